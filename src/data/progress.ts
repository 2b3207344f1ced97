/** Progress of long data work, for the CLI's progress line. `phase` is a short label such as `hashing`. */
export interface ProgressEvent {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;
