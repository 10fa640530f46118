// Set by esbuild.mjs (`define`): true in development builds, which the extension-host tests load;
// false in the production bundle that ships in the VSIX, so every branch it guards, and the
// `mixtral._test.*` command names inside, are compiled out. Guard each hook with it directly
// (`if (MIXTRAL_TEST_HOOKS && …)`): a function wrapping it would keep the names in the bundle.
declare const MIXTRAL_TEST_HOOKS: boolean;
