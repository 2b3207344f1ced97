// Minimal typing of parse-prometheus-text-format (it ships none), covering what read-serving-metrics.ts uses.
declare module 'parse-prometheus-text-format' {
  /** One sample; histograms and summaries are grouped (`buckets`, `count`, `sum`) only for unlabelled series. */
  export interface PrometheusSample {
    readonly value?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly buckets?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }

  export interface PrometheusFamily {
    readonly name: string;
    readonly help: string;
    /** COUNTER, GAUGE, HISTOGRAM, SUMMARY or UNTYPED. */
    readonly type: string;
    readonly metrics: readonly PrometheusSample[];
  }

  /** Throws on a malformed line. */
  function parsePrometheusTextFormat(text: string): PrometheusFamily[];

  // Node's ESM loader exposes a CommonJS module.exports as the default export.
  // biome-ignore lint/style/noDefaultExport: describes a CommonJS module as ESM sees it.
  export default parsePrometheusTextFormat;
}
