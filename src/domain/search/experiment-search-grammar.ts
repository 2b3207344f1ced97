import { NUMBER_OPERATORS, STRING_OPERATORS } from './filter-ast.js';
import type { FilterGrammar } from './filter-grammar.js';

/**
 * MLflow 2.x `search_experiments`: `name`, `creation_time`, `last_update_time` and `tags.<key>`; ordering by
 * name, experiment_id, creation_time or last_update_time.
 */
export const EXPERIMENT_SEARCH_GRAMMAR: FilterGrammar = {
  subject: 'experiments',
  bareEntity: 'attribute',
  entities: {
    attribute: {
      prefixes: ['attributes', 'attribute', 'attr'],
      fields: {
        name: { type: 'string', ops: STRING_OPERATORS, orderable: true },
        creation_time: { type: 'number', ops: NUMBER_OPERATORS, orderable: true },
        last_update_time: { type: 'number', ops: NUMBER_OPERATORS, orderable: true },
        experiment_id: { type: 'number', ops: [], filterable: false, orderable: true },
      },
    },
    tag: { prefixes: ['tags', 'tag'], anyKey: { type: 'string', ops: STRING_OPERATORS } },
  },
};
