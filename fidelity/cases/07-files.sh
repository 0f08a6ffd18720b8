# The file commands and running scripts (coreutils; execve(2) EACCES/ENOENT; binfmt_script).
mkdir -p /tmp/pidlab-fid/a/b && ls /tmp/pidlab-fid/a; rmdir /tmp/pidlab-fid/a; echo $?; rm /tmp/pidlab-fid/a; rm -r /tmp/pidlab-fid; ls /tmp/pidlab-fid
mkdir /tmp/pidlab-fid2 /tmp/pidlab-fid2; echo $?; touch /tmp/pidlab-fid2/f; ls /tmp/pidlab-fid2; rm -rf /tmp/pidlab-fid2 /tmp/nonexistent-pidlab; echo $?
printf '#!/bin/sh\necho hi from a script, pid $$\n' > /tmp/pidlab-fid.sh; /tmp/pidlab-fid.sh; chmod +x /tmp/pidlab-fid.sh; unshare --pid --fork --mount-proc /tmp/pidlab-fid.sh; rm /tmp/pidlab-fid.sh
/nonexistent/program; echo $?
