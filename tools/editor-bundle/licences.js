// Print the name, version, licence and licence text of every package in the bundle (LICENSES.txt).
const fs = require("fs");
const path = require("path");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
for (const [key, info] of Object.entries(lock.packages)) {
  if (!key || info.dev) continue;
  const dir = key;
  const files = fs.readdirSync(dir).filter((f) => /^licen[cs]e/i.test(f));
  console.log(`${key.replace(/^node_modules\//, "")}@${info.version} — ${info.license}`);
  for (const f of files) console.log(fs.readFileSync(path.join(dir, f), "utf8").trim());
  console.log("\n" + "-".repeat(72) + "\n");
}
