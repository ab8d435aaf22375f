import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { secretsUnder, secretsWarning } from '../src/go/secret-files';

/**
 * A directory the program reads at run time is copied into the image, but the build context never
 * takes keys, secrets or environment files: adopt says which of its files the image will not have
 * (a service that loads its signing keys from `keys/` died with "no keys exist").
 */
function repo(files: { [path: string]: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'pgs-secrets-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('run-time directories that hold what never enters the build context', () => {
  const root = repo({
    'deploy/keys/signing.pem': '-----BEGIN PRIVATE KEY-----\n',
    'deploy/keys/README.md': 'dev keys\n',
    'deploy/keys/old/backup.key': 'k\n',
    'deploy/manifests/app.yaml': 'kind: Deployment\n',
    'deploy/.env.local': 'TOKEN=x\n',
    'templates/index.html': '<html></html>\n',
  });

  test('the key and environment files under it, in path order, each with the pattern it matches', () => {
    expect(secretsUnder(root, 'deploy')).toEqual([
      { file: 'deploy/.env.local', pattern: '**/.env.*' },
      { file: 'deploy/keys/old/backup.key', pattern: '**/*.key' },
      { file: 'deploy/keys/signing.pem', pattern: '**/*.pem' },
    ]);
    expect(secretsUnder(root, 'deploy/keys/')).toEqual([
      { file: 'deploy/keys/old/backup.key', pattern: '**/*.key' },
      { file: 'deploy/keys/signing.pem', pattern: '**/*.pem' },
    ]);
  });

  test('nothing for a directory without them, a file, or a missing path', () => {
    expect(secretsUnder(root, 'templates')).toEqual([]);
    expect(secretsUnder(root, 'templates/index.html')).toEqual([]);
    expect(secretsUnder(root, 'nowhere')).toEqual([]);
    expect(secretsWarning('templates', [])).toBeUndefined();
  });

  test('the warning names the directory, the first file, how many more, the pattern and what to do', () => {
    const w = secretsWarning('deploy/keys', secretsUnder(root, 'deploy/keys'))!;
    expect(w).toMatch(/^WARNING: deploy\/keys is read at run time and copied into the image, but deploy\/keys\/old\/backup\.key and 1 more never enters the build context \(it matches \*\*\/\*\.key/);
    expect(w).toMatch(/the image will not have them\. Give it to the container at run time \(a volume, compose secrets, a Kubernetes Secret\)/);
    const one = secretsWarning('deploy/keys', [{ file: 'deploy/keys/signing.pem', pattern: '**/*.pem' }])!;
    expect(one).toMatch(/but deploy\/keys\/signing\.pem never enters/);
    expect(one).toMatch(/will not have it\./);
  });
});
