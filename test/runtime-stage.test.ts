import { DistrolessVariant, Libc, RuntimeStage } from '../src';

/** RuntimeStage: what each base provides (shell, libc, certificates, zone data, user). */
describe('RuntimeStage', () => {
  test.each([
    ['scratch()', RuntimeStage.scratch(), { displayName: 'scratch', image: undefined, debugImage: undefined, shell: false, libc: Libc.NONE, providesCerts: false, providesTzdata: false, user: '65532:65532' }],
    ['scratch({ nonroot: false })', RuntimeStage.scratch({ nonroot: false }), { displayName: 'scratch', image: undefined, debugImage: undefined, shell: false, libc: Libc.NONE, providesCerts: false, providesTzdata: false, user: '0:0' }],
    ['distroless()', RuntimeStage.distroless(), {
      displayName: 'distroless static (Debian 13)',
      image: 'gcr.io/distroless/static-debian13:nonroot',
      debugImage: 'gcr.io/distroless/static-debian13:debug-nonroot',
      shell: false,
      libc: Libc.NONE,
      providesCerts: true,
      providesTzdata: true,
      user: '65532:65532',
    }],
    ['distroless base, Debian 12, root', RuntimeStage.distroless({ variant: DistrolessVariant.BASE, debian: 12, nonroot: false }), {
      displayName: 'distroless base (Debian 12)',
      image: 'gcr.io/distroless/base-debian12:latest',
      debugImage: 'gcr.io/distroless/base-debian12:debug',
      shell: false,
      libc: Libc.GLIBC,
      providesCerts: true,
      providesTzdata: true,
      user: '0:0',
    }],
    ['alpine({ version: "3.22" })', RuntimeStage.alpine({ version: '3.22' }), { displayName: 'alpine 3.22', image: 'alpine:3.22', debugImage: undefined, shell: true, libc: Libc.MUSL, providesCerts: false, providesTzdata: false, user: '65532:65532' }],
  ])('GIVEN %s THEN it provides what its base has', (_name, runtime, facts) => {
    expect({
      displayName: runtime.displayName,
      image: runtime.image,
      debugImage: runtime.debugImage,
      shell: runtime.shell,
      libc: runtime.libc,
      providesCerts: runtime.providesCerts,
      providesTzdata: runtime.providesTzdata,
      user: runtime.user,
    }).toEqual(facts);
  });

  test('only a base with a package manager installs packages (alpine: apk)', () => {
    expect(RuntimeStage.alpine({ version: '3.22' })._installCommand).toBe('apk add --no-cache');
    expect(RuntimeStage.distroless()._installCommand).toBeUndefined();
    expect(RuntimeStage.scratch()._installCommand).toBeUndefined();
  });

  test('a custom base says what it provides', () => {
    const r = RuntimeStage.custom('registry.example.com/base/img:2.1', { libc: Libc.GLIBC, providesCerts: true, providesTzdata: false, shell: true });
    expect([r.image, r.libc, r.providesCerts, r.providesTzdata, r.shell, r.isScratch]).toEqual(['registry.example.com/base/img:2.1', Libc.GLIBC, true, false, true, false]);
  });
});
