import type { Problem } from './yaml-source.js';

/** One instance of a templated stage: its name suffix and the values `${…}` may name. */
export interface TemplateInstance {
  readonly suffix: string | undefined;
  readonly vars: Readonly<Record<string, unknown>>;
}

const SAFE_WORD = /^[A-Za-z0-9_\-.,:/=@%+]+$/;
const NAME_WORD = /^[A-Za-z0-9_.-]{1,64}$/;
const REFERENCE = /\$\{\s*([^}]*?)\s*\}/g;

/** foreach over a list (`${item}`, `${key}` is the index) or a mapping (`${key}`, `${item}` its value). */
export function foreachInstances(values: readonly unknown[] | Record<string, unknown>): TemplateInstance[] {
  if (Array.isArray(values)) {
    return values.map((item, index) => ({ suffix: nameOf(item) ?? String(index), vars: { item, key: index } }));
  }
  return Object.entries(values).map(([key, item]) => ({ suffix: key, vars: { item, key } }));
}

/** Every combination of the matrix's values; `${item.<name>}` is the value of `<name>` in that combination. */
export function matrixInstances(matrix: Record<string, readonly unknown[]>): TemplateInstance[] {
  let combos: Array<{ parts: string[]; item: Record<string, unknown> }> = [{ parts: [], item: {} }];
  for (const [name, values] of Object.entries(matrix)) {
    combos = combos.flatMap((combo) =>
      values.map((value, index) => ({
        parts: [...combo.parts, nameOf(value) ?? String(index)],
        item: { ...combo.item, [name]: value },
      })),
    );
  }
  return combos.map((combo) => ({ suffix: combo.parts.join('-'), vars: { item: combo.item } }));
}

const nameOf = (value: unknown): string | undefined => {
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  return NAME_WORD.test(text) ? text : undefined;
};

/** Looks up `item.a.b` in the instance's values. */
function lookup(vars: Readonly<Record<string, unknown>>, reference: string): { found: boolean; value?: unknown } {
  let current: unknown = vars;
  for (const part of reference.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return { found: false };
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}

export interface SubstituteContext {
  readonly vars: Readonly<Record<string, unknown>> | undefined;
  /** The text is part of a shell line: only plain words may go in (values are never interpreted by the shell). */
  readonly shell: boolean;
  readonly problem: (what: string, todo: string) => void;
}

/** Replaces `${item}`, `${key}`, `${item.field}` in `text`; reports what cannot be replaced. */
export function substitute(text: string, context: SubstituteContext): string {
  return text.replace(REFERENCE, (whole, reference: string) => {
    if (context.vars === undefined) {
      context.problem(`${whole} outside a foreach or matrix stage`, 'add foreach or matrix to the stage, or remove it');
      return whole;
    }
    const { found, value } = lookup(context.vars, reference);
    if (!found) {
      context.problem(`${whole} names nothing`, `use \${item}, \${key} or \${item.<field>} of this stage's values`);
      return whole;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      context.problem(`${whole} is not a single value`, `name a string, number or boolean, e.g. \${item.<field>}`);
      return whole;
    }
    const replaced = String(value);
    if (context.shell && !SAFE_WORD.test(replaced)) {
      context.problem(
        `${whole} is ${JSON.stringify(replaced)}, which cannot go into a shell command line`,
        'write cmd as a list (argv, no shell) to pass any value, or use plain values (letters, digits, _-.,:/=@%+)',
      );
      return whole;
    }
    return replaced;
  });
}

export type { Problem };
