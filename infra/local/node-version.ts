// Everything here runs on the Node.js major that Lambda runs (the functions target nodejs22.x).
// npm scripts get it from the `node` devDependency, whose binary npm puts first on their PATH
// (node_modules/.bin); a command started some other way may meet the machine's own, older Node.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  throw new Error(
    `ApprenticeFlow runs on Node.js 22 (Lambda's nodejs22.x) and this is ${process.version} (${process.execPath}). ` +
      'Start it through npm (npm start, npm test, npm run …), which runs the Node 22 that npm install brought.',
  );
}

export {};
