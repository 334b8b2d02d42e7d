#!/bin/sh
# A one-node SLURM cluster on this machine, for `make test-slurm`: munge, MariaDB,
# slurmdbd (the executor plugin asks sacct for job states), slurmctld and slurmd, all
# on localhost, state under $STATE. Needs root and Debian's packages (installed by the
# Makefile). Idempotent: a daemon already running is left alone.
set -eu
STATE=${STATE:-/tmp/reviewflow-slurm}
HERE=$(cd "$(dirname "$0")" && pwd)
HOST=$(hostname -s)
CPUS=$(nproc)
MEMORY=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
mkdir -p "$STATE/spool/ctld" "$STATE/spool/d" "$STATE/log" "$STATE/run" /etc/slurm

# munge: one key, one daemon
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile /etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged

# MariaDB with the accounting database
if ! pgrep -x mariadbd >/dev/null; then
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    (mysqld_safe --user=mysql >"$STATE/log/mariadb.log" 2>&1 &)
    for _ in $(seq 60); do mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 1; done
fi
mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm';
            CREATE DATABASE IF NOT EXISTS slurm_acct_db;
            GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"

# configuration from the templates, for this host
sed -e "s/@HOST@/$HOST/g" -e "s|@STATE@|$STATE|g" "$HERE/slurmdbd.conf.in" >/etc/slurm/slurmdbd.conf
chown slurm:slurm /etc/slurm/slurmdbd.conf && chmod 600 /etc/slurm/slurmdbd.conf
sed -e "s/@HOST@/$HOST/g" -e "s|@STATE@|$STATE|g" -e "s/@CPUS@/$CPUS/g" -e "s/@MEMORY@/$MEMORY/g" \
    "$HERE/slurm.conf.in" >/etc/slurm/slurm.conf
chown -R slurm:slurm "$STATE/spool" "$STATE/log" "$STATE/run"

pgrep -x slurmdbd >/dev/null || /usr/sbin/slurmdbd
for _ in $(seq 60); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 1; done
sacctmgr -i add cluster reviewflow >/dev/null 2>&1 || true
sacctmgr -i add account reviewflow cluster=reviewflow >/dev/null 2>&1 || true
sacctmgr -i add user root account=reviewflow cluster=reviewflow >/dev/null 2>&1 || true
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo
