// Loads the search script's modules (themes/default/search/*.js) into Node the way the build
// joins them: the shared constants first — in the browser a line Rust generates
// (src/search/script.rs), here tests/fixtures/search-constants.json, which a Rust test keeps
// equal to it — then every module in file-name order. Returns the LecternSearch namespace.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..", "..");
const dir = path.join(root, "themes", "default", "search");

global.LecternSearch = JSON.parse(
  fs.readFileSync(path.join(root, "tests", "fixtures", "search-constants.json"), "utf8"),
);
for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".js")).sort()) {
  require(path.join(dir, name));
}

module.exports = global.LecternSearch;
