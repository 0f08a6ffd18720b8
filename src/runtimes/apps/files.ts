import { NGINX_CONF, NGINX_ENTRYPOINT } from './nginx.ts';

/**
 * The application sources the runtime models "run", installed in the lab's file system. Each is
 * real code that would behave as modelled (see the pattern rules in node.ts, go.ts, python.ts).
 */
export const APP_JS = `// Long-running app WITH a SIGTERM handler: logs and exits 0.
const tag = \`app.js pid=\${process.pid}\`;
console.log(\`\${tag} started ppid=\${process.ppid}\`);
process.on('SIGTERM', () => {
  console.log(\`\${tag} got SIGTERM, exiting 0\`);
  process.exit(0);
});
// keep the event loop alive
setInterval(() => {}, 1000);
`;

export const APP_NOHANDLER_JS = `// Long-running app WITHOUT any signal handler of its own.
const tag = \`app-nohandler.js pid=\${process.pid}\`;
console.log(\`\${tag} started ppid=\${process.ppid}\`);
setInterval(() => {}, 1000);
`;

export const INDEX_JS = `// A small web server that runs a helper script every second. It never reaps
// anything but its own children: the helper's orphaned \`sleep\` is re-parented to
// PID 1 and, if PID 1 is this server, stays a zombie once it exits.
const http = require('http');
const { spawn } = require('child_process');

console.log(\`index.js pid=\${process.pid} listening on :3000\`);
http.createServer((req, res) => res.end('ok\\n')).listen(3000);

setInterval(() => {
  spawn('/app/child.sh', [], { stdio: 'inherit' });
}, 1000);
`;

export const CHILD_SH = `#!/bin/sh
# Start a background sleep and exit at once, leaving the sleep orphaned.
sleep 3 &
exit 0
`;

export const BUSY_JS = `// Burns a CPU: the event loop never runs again.
console.log(\`busy.js pid=\${process.pid}\`);
while (true) {}
`;

export const MAIN_GO = `// Go app WITH signal.Notify: logs the signal and exits 0.
// Built as /app/app (go build -o /app/app /app/main.go), or run with: go run main.go
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	fmt.Printf("app pid=%d ppid=%d\\n", os.Getpid(), os.Getppid())
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	s := <-c
	fmt.Println("app: got", s, "- graceful exit 0")
	os.Exit(0)
}
`;

export const PLAIN_MAIN_GO = `// Go app WITHOUT signal.Notify: the Go runtime's default signal handling applies.
// Built as /app/plain/plain.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	fmt.Printf("go-plain pid=%d ppid=%d started\\n", os.Getpid(), os.Getppid())
	time.Sleep(60 * time.Second)
	fmt.Println("go-plain safety timeout")
	os.Exit(99)
}
`;

export const WEB_PY = `import http.server
import os

print(f"web.py pid={os.getpid()} serving on :8000", flush=True)
httpd = http.server.HTTPServer(("", 8000), http.server.SimpleHTTPRequestHandler)
httpd.serve_forever()
`;

export const CONVERT_SERVER_JS = `// An upload service: every upload is converted by ImageMagick; a conversion
// that takes longer than 2 s is cancelled with SIGKILL. ImageMagick's delegate
// processes are orphaned by that kill and re-parented to PID 1.
const http = require('http');
const { spawn } = require('child_process');

console.log(\`convert-server.js pid=\${process.pid} listening on :3000\`);
http.createServer((req, res) => res.end('upload accepted\\n')).listen(3000);

// A simulated upload every 5 s.
setInterval(() => {
  const child = spawn('convert', ['/tmp/upload.jpg', '/tmp/upload.png']);
  console.log(\`upload: convert pid \${child.pid} started\`);
  setTimeout(() => {
    console.log(\`upload: convert pid \${child.pid} took too long, cancelling\`);
    child.kill('SIGKILL');
  }, 2000);
}, 5000);
`;

/** Specs of the data-declared app (/usr/local/bin/app, see spec-app.md). */
export const APP_JSON = `{
  "description": "A worker: drains for 0.5 s on SIGTERM, ignores SIGHUP, runs a helper every 2 s and reaps it",
  "print": ["app pid={pid} ppid={ppid} started"],
  "signals": {
    "SIGTERM": { "action": "exit", "code": 0, "afterMs": 500, "print": "app: {sig} received, draining" },
    "SIGINT": { "action": "exit", "code": 130, "print": "app: {sig} received" },
    "SIGHUP": { "action": "ignore" }
  },
  "children": [{ "command": ["sleep", "1"], "atMs": 2000, "everyMs": 2000, "wait": true }]
}
`;

export const CRASH_JSON = `{
  "description": "Fails at once: it cannot reach its database",
  "print": ["crash pid={pid} starting"],
  "exit": { "code": 1, "afterMs": 200, "print": "crash: cannot connect to db:5432, exiting 1" }
}
`;

export const FLAKY_JSON = `{
  "description": "Runs for 3 s, then fails",
  "print": ["flaky pid={pid} serving"],
  "signals": { "SIGTERM": { "action": "exit", "code": 0, "print": "flaky: {sig}, bye" } },
  "exit": { "code": 1, "afterMs": 3000, "print": "flaky: lost connection, exiting 1" }
}
`;

export const APP_FILES: Readonly<
  Record<string, string | { readonly content: string; readonly mode: number }>
> = {
  '/app/app.js': APP_JS,
  '/app/app-nohandler.js': APP_NOHANDLER_JS,
  '/app/index.js': INDEX_JS,
  '/app/child.sh': { content: CHILD_SH, mode: 0o755 },
  '/app/busy.js': BUSY_JS,
  '/app/main.go': MAIN_GO,
  '/app/plain/main.go': PLAIN_MAIN_GO,
  '/app/web.py': WEB_PY,
  '/app/convert-server.js': CONVERT_SERVER_JS,
  '/tmp/upload.jpg': 'JFIF (a photo someone uploaded)\n',
  '/app/app.json': APP_JSON,
  '/app/crash.json': CRASH_JSON,
  '/app/flaky.json': FLAKY_JSON,
  '/etc/nginx/nginx.conf': NGINX_CONF,
  '/etc/nginx/conf.d/default.conf':
    'server {\n    listen       80;\n    server_name  localhost;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n',
  '/docker-entrypoint.sh': { content: NGINX_ENTRYPOINT, mode: 0o755 },
  '/var/log/nginx/.keep': '',
  '/var/run/.keep': '',
};
