// Copies the front-end assets the platform serves into static_vendor/ (git-ignored).
// Only the built files are copied: pointing Django at whole node_modules/*/dist is slow and large.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

const root = dirname(new URL(import.meta.url).pathname) + "/..";
const out = join(root, "static_vendor");
const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"],
  ["bootstrap-icons/font/fonts", "bootstrap-icons/fonts"],
  ["echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
  ["axe-core/axe.min.js", "axe-core/axe.min.js"],
];
rmSync(out, { recursive: true, force: true });
for (const [src, dst] of files) {
  const from = join(root, "node_modules", src);
  if (!existsSync(from)) {
    console.error(`missing ${from}: run npm ci`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, dst)), { recursive: true });
  cpSync(from, join(out, dst), { recursive: true });
}
console.log(`copied ${files.length} assets into static_vendor/`);
