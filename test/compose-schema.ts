import { readFileSync } from 'fs';
import { resolve } from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA_PATH = resolve(__dirname, '..', '..', 'shared', 'data', 'compose-spec.json');

/** The compose-spec JSON schema, read from the shared data (never copied into this repository). */
export function composeValidator(): (doc: unknown) => string[] {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf-8')));
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

