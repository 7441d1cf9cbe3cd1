// Layers of medproof, enforced by `npm run deps` (part of `npm run check`).
//
// Rules name folders, not files, so a subfolder created later falls under its layer's rule without
// touching this file. Each layer lists the project folders it MAY import; any other file of this
// repository is a violation. Packages are free, except where the code must run in the browser
// (src/core, src/api, web/src): there node: built-ins are forbidden, and src/api may use only TypeBox.
//
// Direction (README, "Architecture"):
//   core ← config, log, io (leaves) ← chain, store ← anchoring ← server ← system
//   cli may use everything but server; api (HTTP schemas) sits on core, shared by server and web.

/** Folders under src/ as path patterns, each matching everything below it. */
const src = (...folders) => folders.map((f) => `^src/${f}/`);

/** Files of this repository, as opposed to packages and node: built-ins. */
const PROJECT = '^(src|web|test|bench|contracts|scripts|bin)/';

/** Tests may use Node to check pure code (node:crypto as a reference hash); the code itself may not. */
const TESTS = '\\.test\\.tsx?$';

/**
 * Known violations the lead is removing. Each is one exact edge (importing file → imported file), so
 * every other import of the same files is still checked.
 */
const EXEMPT = {};

/** A layer: files under `from` may import, of this repository's files, only those under `may`. */
const layer = (name, from, may, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: PROJECT, pathNot: may },
});

const rules = [
  layer(
    'core-is-self-contained',
    src('core'),
    src('core'),
    'src/core is the pure domain: it imports no other part of the project.',
  ),
  {
    name: 'core-no-node-builtins',
    comment: 'src/core runs in the browser (web/) as well as in Node: no node: built-ins.',
    severity: 'error',
    from: { path: src('core'), pathNot: TESTS },
    to: { dependencyTypes: ['core'] },
  },
  {
    // $1 is the importing leaf: config may import config and core, not log or io.
    ...layer(
      'leaves-import-only-core',
      '^src/(config|log|io)/',
      ['^src/$1/', '^src/core/'],
      'src/config, src/log and src/io are shared leaves: each imports only src/core.',
    ),
  },
  layer(
    'chain-imports-only-core-and-leaves',
    src('chain'),
    src('chain', 'core', 'config', 'log', 'io'),
    'src/chain talks to a chain; it knows nothing of storage, anchoring or the portal.',
  ),
  layer(
    'store-imports-only-core-and-leaves',
    src('store'),
    src('store', 'core', 'config', 'log', 'io'),
    'src/store keeps data; it knows nothing of the chain, anchoring or the portal.',
  ),
  layer(
    'anchoring-imports-core-chain-store',
    src('anchoring'),
    src('anchoring', 'core', 'chain', 'store', 'config', 'log'),
    'src/anchoring joins store and chain; the portal and the CLI drive it, not the other way round.',
  ),
  layer(
    'server-imports-no-cli-or-system',
    src('server'),
    src('server', 'core', 'chain', 'store', 'anchoring', 'api', 'config', 'log', 'io'),
    'src/server is the portal; src/system wires it, and it never reaches into the CLI.',
  ),
  layer(
    'cli-imports-no-server',
    src('cli'),
    src('cli', 'core', 'chain', 'store', 'anchoring', 'api', 'system', 'config', 'log', 'io'),
    'src/cli may use every layer but the portal; it starts the portal through src/system.',
  ),
  layer(
    'system-imports-only-src',
    src('system'),
    ['^src/'],
    'src/system is the composition root: it wires every layer, but nothing outside src/.',
  ),
  layer(
    'api-imports-only-core',
    src('api'),
    src('api', 'core'),
    'src/api holds the HTTP schemas shared by the portal and the browser: only src/core and TypeBox.',
  ),
  {
    name: 'api-packages-only-typebox',
    comment:
      'src/api is bundled into the browser: of packages only @sinclair/typebox, and no node: built-ins.',
    severity: 'error',
    from: { path: src('api'), pathNot: TESTS },
    to: { dependencyTypesNot: ['local'], pathNot: '(^|/)node_modules/@sinclair/typebox/' },
  },
  layer(
    'web-imports-only-core-and-api',
    '^web/src/',
    ['^web/src/', ...src('core', 'api')],
    'web/src talks HTTP to the portal; of the rest it may use only src/core and src/api.',
  ),
  {
    name: 'web-no-node-builtins',
    comment: 'web/src runs in the browser: no node: built-ins.',
    severity: 'error',
    from: { path: '^web/src/', pathNot: TESTS },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'layers-meet-at-their-index',
    comment:
      'Each layer has one public surface, its index.ts: another layer imports that file, never one inside.',
    severity: 'error',
    from: { path: '^src/([^/]+)/', pathNot: TESTS },
    to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
  },
  {
    name: 'web-meets-src-at-its-index',
    comment: 'web/src uses src/core and src/api through their index.ts only, like any other layer.',
    severity: 'error',
    from: { path: '^web/src/', pathNot: TESTS },
    to: { path: '^src/', pathNot: '^src/[^/]+/index\\.ts$' },
  },
  {
    name: 'no-circular',
    comment: 'A cycle makes two modules one: neither can be understood, tested or moved alone.',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  {
    name: 'not-to-unresolvable',
    comment: 'An import that cannot be resolved cannot be checked against the layers either.',
    severity: 'error',
    from: {},
    to: { couldNotResolve: true },
  },
];

/**
 * Splits a rule around its exempt edges: the rule as it was for every other importing file, and for
 * each exempt importing file the same rule minus the exempt targets.
 */
function exempt(rule) {
  const edges = EXEMPT[rule.name];
  if (!edges) return [rule];
  const froms = [...new Set(edges.map(([from]) => from))];
  const asList = (x) => (x === undefined ? [] : [].concat(x));
  return [
    { ...rule, from: { ...rule.from, pathNot: [...asList(rule.from.pathNot), ...froms] } },
    ...froms.map((from) => ({
      ...rule,
      from: { ...rule.from, path: from },
      to: {
        ...rule.to,
        pathNot: [...asList(rule.to.pathNot), ...edges.filter(([f]) => f === from).map(([, to]) => to)],
      },
    })),
  ];
}

module.exports = {
  forbidden: rules.flatMap(exempt),
  options: {
    // Resolve TypeScript's `./x.js` imports to `./x.ts` with the project's own settings.
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` couples layers as much as a value import does: check it too.
    tsPreCompilationDeps: true,
    // Packages' `exports` subpaths (`@simplewebauthn/server/helpers`) resolve as Node resolves them.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^coverage/'] },
  },
};
