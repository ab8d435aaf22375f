import { CertsLayer, CertsSource, DistrolessVariant, Libc, RuntimeStage, TzLayer, TzSource } from '../src';

const scratch = RuntimeStage.scratch();
const distroless = RuntimeStage.distroless();
const alpine = RuntimeStage.alpine({ version: '3.22' });
const customBare = RuntimeStage.custom('registry.example.com/base:1');
const customFull = RuntimeStage.custom('registry.example.com/base:1', { providesCerts: true, providesTzdata: true, libc: Libc.GLIBC, shell: true });

describe('CertsLayer.auto() picks from the runtime', () => {
  test.each([
    ['scratch', scratch, CertsSource.BUILDER],
    ['distroless', distroless, CertsSource.BASE],
    ['alpine', alpine, CertsSource.PACKAGE],
    ['a custom base without certs', customBare, CertsSource.BUILDER],
    ['a custom base with certs', customFull, CertsSource.BASE],
  ])('%s', (_n, runtime, source) => {
    expect(CertsLayer.auto().sourceFor(runtime)).toBe(source);
  });

  test('explicit choices are kept', () => {
    expect(CertsLayer.fromBuilder().sourceFor(distroless)).toBe(CertsSource.BUILDER);
    expect(CertsLayer.fromBase().sourceFor(alpine)).toBe(CertsSource.PACKAGE);
    expect(CertsLayer.none().sourceFor(scratch)).toBe(CertsSource.NONE);
  });
});

describe('TzLayer.auto() picks the smallest correct choice', () => {
  test.each([
    ['scratch: embedded', scratch, TzSource.EMBEDDED],
    ['distroless: the base\'s (nothing added)', distroless, TzSource.BASE],
    ['alpine: embedded (smaller than the tzdata package)', alpine, TzSource.EMBEDDED],
    ['a custom base without tzdata: embedded', customBare, TzSource.EMBEDDED],
    ['a custom base with tzdata: the base\'s', customFull, TzSource.BASE],
  ])('%s', (_n, runtime, source) => {
    expect(TzLayer.auto().sourceFor(runtime)).toBe(source);
  });

  test('explicit choices are kept', () => {
    expect(TzLayer.embedded().sourceFor(distroless)).toBe(TzSource.EMBEDDED);
    expect(TzLayer.zoneinfoZip().sourceFor(scratch)).toBe(TzSource.ZONEINFO_ZIP);
    expect(TzLayer.fromBase().sourceFor(alpine)).toBe(TzSource.PACKAGE);
    expect(TzLayer.none().sourceFor(distroless)).toBe(TzSource.NONE);
  });

  test('a default zone Go ships is accepted', () => {
    expect(TzLayer.embedded({ defaultZone: 'America/Argentina/Buenos_Aires' })._problems(scratch)).toEqual([]);
    expect(TzLayer.embedded({ defaultZone: 'UTC' })._problems(scratch)).toEqual([]);
  });
});

describe('RuntimeStage facts', () => {
  test('scratch has nothing', () => {
    expect([scratch.image, scratch.shell, scratch.libc, scratch.providesCerts, scratch.providesTzdata, scratch.user])
      .toEqual([undefined, false, Libc.NONE, false, false, '65532:65532']);
  });

  test.each([
    [DistrolessVariant.STATIC, Libc.NONE],
    [DistrolessVariant.BASE, Libc.GLIBC],
    [DistrolessVariant.CC, Libc.GLIBC],
  ])('distroless %s: libc %s, certs and tzdata from the base', (variant, libc) => {
    const rt = RuntimeStage.distroless({ variant, debian: 12 });
    expect([rt.image, rt.debugImage, rt.libc, rt.providesCerts, rt.providesTzdata])
      .toEqual([`gcr.io/distroless/${variant}-debian12:nonroot`, `gcr.io/distroless/${variant}-debian12:debug-nonroot`, libc, true, true]);
  });

  test('distroless defaults to static on Debian 13, nonroot', () => {
    expect(distroless.image).toBe('gcr.io/distroless/static-debian13:nonroot');
    expect(distroless.user).toBe('65532:65532');
  });

  test('nonroot: false is root, explicitly', () => {
    expect(RuntimeStage.distroless({ nonroot: false }).user).toBe('0:0');
    expect(RuntimeStage.scratch({ nonroot: false }).user).toBe('0:0');
  });

  test('alpine: a shell, musl, apk', () => {
    expect([alpine.image, alpine.shell, alpine.libc, alpine._installCommand]).toEqual(['alpine:3.22', true, Libc.MUSL, 'apk add --no-cache']);
  });

  test('custom: a digest in the reference is kept apart from the name', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const rt = RuntimeStage.custom(`registry.example.com:5000/team/base:1.2@${digest}`);
    expect([rt.image, rt.digest, rt._problems()]).toEqual(['registry.example.com:5000/team/base:1.2', digest, []]);
  });
});
