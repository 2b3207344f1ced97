import { type FilterOperator, NUMBER_OPERATORS, STRING_LIST_OPERATORS, STRING_OPERATORS } from './filter-ast.js';
import type { FieldSpec, FilterGrammar } from './filter-grammar.js';

const field = (type: FieldSpec['type'], ops: readonly FilterOperator[], orderable = true): FieldSpec => ({
  type,
  ops,
  orderable,
});

/**
 * MLflow 2.x `search_runs`: metrics (numbers), params and tags (strings), the searchable run attributes, and the
 * dataset inputs. `IN` / `NOT IN` lists only on `run_id` and dataset fields, as MLflow.
 */
export const RUN_SEARCH_GRAMMAR: FilterGrammar = {
  subject: 'runs',
  bareEntity: 'attribute',
  entities: {
    metric: { prefixes: ['metrics', 'metric'], anyKey: field('number', NUMBER_OPERATORS) },
    param: { prefixes: ['params', 'param', 'parameter', 'parameters'], anyKey: field('string', STRING_OPERATORS) },
    tag: { prefixes: ['tags', 'tag'], anyKey: field('string', STRING_OPERATORS) },
    attribute: {
      prefixes: ['attributes', 'attribute', 'attr', 'run'],
      fields: {
        run_id: field('string', STRING_LIST_OPERATORS),
        run_name: field('string', STRING_OPERATORS),
        user_id: field('string', STRING_OPERATORS),
        status: field('string', STRING_OPERATORS),
        artifact_uri: field('string', STRING_OPERATORS),
        start_time: field('number', NUMBER_OPERATORS),
        end_time: field('number', NUMBER_OPERATORS),
      },
      keyAliases: {
        created: 'start_time',
        Created: 'start_time',
        'run name': 'run_name',
        'Run name': 'run_name',
        'Run Name': 'run_name',
      },
    },
    dataset: {
      prefixes: ['datasets', 'dataset'],
      fields: {
        name: field('string', STRING_LIST_OPERATORS, false),
        digest: field('string', STRING_LIST_OPERATORS, false),
        context: field('string', STRING_LIST_OPERATORS, false),
      },
    },
  },
};
