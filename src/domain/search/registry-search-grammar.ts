import { NUMBER_OPERATORS, STRING_LIST_OPERATORS, STRING_OPERATORS } from './filter-ast.js';
import type { FilterGrammar } from './filter-grammar.js';

const time = { type: 'number', ops: NUMBER_OPERATORS, filterable: false, orderable: true } as const;
const tags = { prefixes: ['tags', 'tag'], anyKey: { type: 'string', ops: STRING_OPERATORS } } as const;

/**
 * MLflow 2.x `search_registered_models`: `name` and `tags.<key>`; ordering by name, creation_timestamp or
 * last_updated_timestamp (`timestamp` is MLflow's other spelling of the latter).
 */
export const REGISTERED_MODEL_SEARCH_GRAMMAR: FilterGrammar = {
  subject: 'registered models',
  bareEntity: 'attribute',
  entities: {
    attribute: {
      prefixes: ['attributes', 'attribute', 'attr'],
      fields: {
        name: { type: 'string', ops: STRING_OPERATORS, orderable: true },
        creation_timestamp: time,
        last_updated_timestamp: time,
      },
      keyAliases: { timestamp: 'last_updated_timestamp' },
    },
    tag: tags,
  },
};

/**
 * MLflow 2.x `search_model_versions`: `name`, `run_id` (with IN lists), `source_path`, `version_number` and
 * `tags.<key>`; ordering by name, version_number, creation_timestamp or last_updated_timestamp.
 */
export const MODEL_VERSION_SEARCH_GRAMMAR: FilterGrammar = {
  subject: 'model versions',
  bareEntity: 'attribute',
  entities: {
    attribute: {
      prefixes: ['attributes', 'attribute', 'attr'],
      fields: {
        name: { type: 'string', ops: STRING_OPERATORS, orderable: true },
        run_id: { type: 'string', ops: STRING_LIST_OPERATORS },
        source_path: { type: 'string', ops: STRING_OPERATORS },
        version_number: { type: 'number', ops: NUMBER_OPERATORS, orderable: true },
        creation_timestamp: time,
        last_updated_timestamp: time,
      },
      keyAliases: { timestamp: 'last_updated_timestamp' },
    },
    tag: tags,
  },
};
