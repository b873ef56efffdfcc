// Parses every Terraform file under the folder given as the first argument with HashiCorp's HCL
// parser, which @cdktf/hcl2json ships as the Go hcl library compiled to WebAssembly.
// It then checks what a parse can check without providers: declared variables and locals,
// descriptions and template files. It prints one line per problem and exits with 1 when there is any.
import { readdir, readFile, access } from "node:fs/promises";
import path from "node:path";
import { parse } from "@cdktf/hcl2json";

const root = path.resolve(process.argv[2] ?? ".");
const problems = [];

async function findFiles(directory) {
  const files = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.name === ".terraform" || entry.name === "node_modules") {
      continue;
    }
    const fullPath = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await findFiles(fullPath)));
    } else if (/\.(tf|tfvars)$/.test(entry.name)) {
      files.push(fullPath);
    }
  }
  return files;
}

// Groups parsed .tf files by folder, because a Terraform module is one folder.
const modules = new Map();
for (const file of await findFiles(root)) {
  const relative = path.relative(root, file);
  const text = await readFile(file, "utf8");
  let parsed;
  try {
    parsed = await parse(relative, text);
  } catch (error) {
    problems.push(`${relative}: HCL parse failed: ${String(error).trim()}`);
    continue;
  }
  if (file.endsWith(".tf")) {
    const folder = path.dirname(file);
    if (!modules.has(folder)) {
      modules.set(folder, []);
    }
    modules.get(folder).push({ relative, text, parsed });
  }
}

for (const [folder, files] of modules) {
  const variables = new Set();
  const locals = new Set();

  for (const { relative, parsed } of files) {
    for (const [name, declarations] of Object.entries(parsed.variable ?? {})) {
      variables.add(name);
      const declaration = declarations[0];
      if (!declaration.description) {
        problems.push(`${relative}: variable "${name}" has no description.`);
      }
      if (!declaration.type) {
        problems.push(`${relative}: variable "${name}" has no type.`);
      }
    }
    for (const [name, declarations] of Object.entries(parsed.output ?? {})) {
      if (!declarations[0].description) {
        problems.push(`${relative}: output "${name}" has no description.`);
      }
    }
    for (const block of parsed.locals ?? []) {
      for (const name of Object.keys(block)) {
        locals.add(name);
      }
    }
  }

  for (const { relative, text } of files) {
    // Comments can mention var.x in prose, so they are dropped before references are collected.
    const code = text.replace(/^\s*#.*$/gm, "");
    for (const match of code.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      if (!variables.has(match[1])) {
        problems.push(`${relative}: var.${match[1]} is not declared in module folder "${path.relative(root, folder) || "."}".`);
      }
    }
    for (const match of code.matchAll(/\blocal\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      if (!locals.has(match[1])) {
        problems.push(`${relative}: local.${match[1]} is not declared in module folder "${path.relative(root, folder) || "."}".`);
      }
    }
    for (const match of code.matchAll(/templatefile\("\$\{path\.module\}\/([^"]+)"/g)) {
      try {
        await access(path.join(folder, match[1]));
      } catch {
        problems.push(`${relative}: templatefile refers to ${match[1]}, which does not exist.`);
      }
    }
  }
}

for (const problem of problems) {
  console.error(problem);
}
const fileCount = [...modules.values()].reduce((count, files) => count + files.length, 0);
console.log(`HCL check: ${fileCount} .tf files in ${modules.size} folders, ${problems.length} problems.`);
process.exit(problems.length === 0 ? 0 : 1);
