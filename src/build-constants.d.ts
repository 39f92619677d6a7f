// Values scripts/build.mjs writes into the bundles (esbuild `define`).

/** package.json's version. */
declare const PACKAGE_VERSION: string;
