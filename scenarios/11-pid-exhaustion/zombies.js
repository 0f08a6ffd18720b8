// An upload worker gone wrong: it runs the helper script ten times a second.
// Every helper leaves an orphaned `sleep 3` behind, which becomes a zombie
// under this PID 1 (see lesson 3).
const { spawn } = require('child_process');
console.log(`zombies.js pid=${process.pid}`);
setInterval(() => {
  spawn('/app/child.sh', [], { stdio: 'inherit' });
}, 100);
