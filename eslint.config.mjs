import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      ".scratch/**",
      ".cache/**",
      ".vscode-test/**",
      "test/fixtures/**",
      "test-results/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        performance: "readonly",
        setImmediate: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-control-regex": "off",
    },
  },
  // Type-aware rules: promises that are neither awaited nor voided, awaits of non-promises,
  // switches that miss a case of a union.
  {
    files: ["server/src/**/*.ts", "client/src/**/*.ts", "cli/src/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "test", "suite", "before", "after"] },
          ],
        },
      ],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
  // Functions short enough to read at once.
  {
    files: ["server/src/**/*.ts", "client/src/**/*.ts", "cli/src/**/*.ts"],
    rules: { "max-lines-per-function": ["error", { max: 120 }] },
  },
  {
    files: ["server/src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["vscode-languageserver*", "vscode", "vscode-languageclient*", "vscode-jsonrpc*"],
              message: "The core stays free of LSP and editor imports.",
            },
          ],
        },
      ],
    },
  },
  prettier,
);
