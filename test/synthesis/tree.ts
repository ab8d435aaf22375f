import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'fs';
import { join } from 'path';
import { sha256 } from '../../src/synthesis/transaction';

/** Every entry under `root` (not following links): type, mode, and content or link target. */
export function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mode = (st.mode % 0o10000).toString(8);
      if (st.isSymbolicLink()) {
        out.set(r, `link ${readlinkSync(p)}`);
      } else if (st.isDirectory()) {
        out.set(r, `dir ${mode}`);
        walk(p, r);
      } else if (st.isFile()) {
        out.set(r, `file ${mode} ${sha256(readFileSync(p))}`);
      } else {
        out.set(r, `special ${mode}`);
      }
    }
  };
  walk(root, '');
  return out;
}
