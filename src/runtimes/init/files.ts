/**
 * Configuration the init models read, installed in the lab's file system: supervisord's config
 * as Debian's `supervisor` package lays it out (with nodaemon=true, as in a container) and a
 * program in conf.d; a systemd unit enabled for multi-user.target.
 */

export const SUPERVISORD_CONF = `; supervisor config file (Debian's /etc/supervisor/supervisord.conf, nodaemon for a container)

[unix_http_server]
file=/var/run/supervisor.sock   ; (the path to the socket file)
chmod=0700                       ; socket file mode (default 0700)

[supervisord]
nodaemon=true                    ; stay in the foreground: it is the container's PID 1
logfile=/var/log/supervisor/supervisord.log ; (main log file;default $CWD/supervisord.log)
pidfile=/var/run/supervisord.pid ; (supervisord pidfile;default supervisord.pid)
childlogdir=/var/log/supervisor            ; ('AUTO' child log dir, default $TEMP)

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///var/run/supervisor.sock ; use a unix:// URL  for a unix socket

[include]
files = /etc/supervisor/conf.d/*.conf
`;

/** An app that runs for 3 s, then fails: supervisord restarts it for ever. */
export const SUPERVISOR_APP_CONF = `[program:app]
command=/usr/local/bin/app /app/flaky.json
autorestart=true
startsecs=1
startretries=3
stopsignal=TERM
stopwaitsecs=10
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
`;

/** A standalone config whose program fails at once: BACKOFF, then FATAL. */
export const SUPERVISOR_CRASH_CONF = `[supervisord]
nodaemon=true
user=root

[program:app]
command=/usr/local/bin/app /app/crash.json
startsecs=1
startretries=3
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
`;

export const APP_SERVICE = `[Unit]
Description=Example app

[Service]
ExecStart=/usr/local/bin/app /app/app.json
Restart=on-failure
KillSignal=SIGTERM
TimeoutStopSec=10
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;

export const INIT_FILES: Readonly<Record<string, string>> = {
  '/etc/supervisor/supervisord.conf': SUPERVISORD_CONF,
  '/etc/supervisor/conf.d/app.conf': SUPERVISOR_APP_CONF,
  '/etc/supervisor/crash.conf': SUPERVISOR_CRASH_CONF,
  '/var/log/supervisor/.keep': '',
  '/var/log/journal/.keep': '',
  '/etc/systemd/system/app.service': APP_SERVICE,
  // `systemctl enable app` makes this a symlink to ../app.service; the model reads the name.
  '/etc/systemd/system/multi-user.target.wants/app.service': APP_SERVICE,
};
