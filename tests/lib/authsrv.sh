# shellcheck shell=bash
# Servers with authentication for the tests, on 127.0.0.1 only, stopped
# by PID through servers.sh's process groups:
#
#   make_ca DIR NAME                 # DIR/NAME.pem, DIR/NAME.key: a test CA
#   make_server_cert DIR CA NAME     # DIR/NAME.{pem,key} for 127.0.0.1, by CA
#   start_sshd ROOT STATEDIR         # exports SSHD_PORT, SSHD_HOSTKEY(.pub)
#   start_https ROOT STATEDIR CERT KEY [USERS]
#                                    # exports HTTPS_PORT, HTTPS_URL
#
# sshd runs the invoking user's git-upload-pack on the absolute paths of
# ROOT; keys go to STATEDIR/authorized_keys.  USERS is lighttpd's plain
# user file ("user:password" lines): every request then needs Basic auth.

make_ca() {		# DIR NAME
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=githerd test CA $2" \
	    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	    -keyout "$1/$2.key" -out "$1/$2.pem" >/dev/null 2>&1
}

# mbedTLS 2.28 (libgit2's TLS on Debian) matches a host name against the
# CN and DNS names only, so 127.0.0.1 is there as a DNS name as well.
make_server_cert() {	# DIR CA NAME
	local d=$1 ca=$2 n=$3
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
	    -keyout "$d/$n.key" -out "$d/$n.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:127.0.0.1,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/$n.ext"
	openssl x509 -req -in "$d/$n.csr" -CA "$d/$ca.pem" -CAkey "$d/$ca.key" \
	    -CAcreateserial -days 2 -extfile "$d/$n.ext" -out "$d/$n.pem" >/dev/null 2>&1
}

_authsrv_wait_port() {	# PORT PID
	local i
	for ((i = 0; i < 200; i++)); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
		    "$1" 2>/dev/null && return 0
		_srv_alive "$2" || return 1
		sleep 0.05
	done
	return 1
}

start_sshd() {		# ROOT STATEDIR [PORT]
	_srv_prepare start_sshd "${1-}" "${2-}" sshd || return
	local state=$_SRV_STATE port=${3:-} pid
	[ -x /usr/sbin/sshd ] || { _srv_err "start_sshd: openssh-server is not installed"; return 1; }
	# sshd insists on its privilege separation directory when run as root.
	[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
	rm -f "$state/hostkey" "$state/hostkey.pub"
	ssh-keygen -q -t ed25519 -N '' -C githerd-test-host -f "$state/hostkey" || return 1
	: >>"$state/authorized_keys"
	[ -n "$port" ] || port=$(free_port) || return 1
	cat >"$state/sshd_config" <<EOC
Port $port
ListenAddress 127.0.0.1
HostKey $state/hostkey
PidFile $state/sshd.pid
AuthorizedKeysFile $state/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
LogLevel VERBOSE
MaxAuthTries 20
EOC
	: >"$state/sshd.log"
	_srv_spawn "$state/sshd.log" /usr/sbin/sshd -D -e -f "$state/sshd_config"
	pid=$_SRV_PID
	_srv_record "$state" sshd "$pid"
	if ! _authsrv_wait_port "$port" "$pid"; then
		_srv_err "start_sshd: sshd did not listen on $port"
		_srv_tail "$state/sshd.log"
		_srv_stop_group "$state/sshd.group"
		return 1
	fi
	export SSHD_PORT=$port SSHD_HOSTKEY=$state/hostkey SSHD_LOG=$state/sshd.log
	export SSHD_AUTHORIZED=$state/authorized_keys
}

# _authsrv_lighttpd KIND ROOT STATEDIR CERT KEY USERS: lighttpd in front of
# git-http-backend, with TLS when CERT is given and Basic auth when USERS
# is; sets _AUTHSRV_PORT.  AUTHSRV_LOG_HEADERS="Name ..." adds those
# request headers to each access-log line, quoted, "-" when absent.
_authsrv_lighttpd() {
	local kind=$1 cert=$4 key=$5 users=$6 h fmt='%h %u \"%r\" %>s'
	_srv_prepare "start_$kind" "$2" "$3" "$kind" || return
	local root=$_SRV_ROOT state=$_SRV_STATE lighttpd backend port pid extra=
	for h in ${AUTHSRV_LOG_HEADERS:-}; do
		fmt="$fmt \\\"%{$h}i\\\""
	done
	lighttpd=$(_srv_lighttpd) || { _srv_err "start_$kind: no lighttpd"; return 1; }
	backend=$(git --exec-path)/git-http-backend
	mkdir -p "$state/htdocs" "$state/tmp"
	[ -z "$cert" ] || extra="ssl.engine = \"enable\"
ssl.pemfile = \"$cert\"
ssl.privkey = \"$key\""
	[ -z "$users" ] || extra="$extra
auth.backend = \"plain\"
auth.backend.plain.userfile = \"$users\"
auth.require = ( \"/git/\" => ( \"method\" => \"basic\", \"realm\" => \"git\", \"require\" => \"valid-user\" ) )"
	port=$(free_port) || return 1
	cat >"$state/lighttpd.conf" <<EOC
server.modules = ( "mod_alias", "mod_setenv", "mod_cgi", "mod_accesslog", "mod_auth", "mod_authn_file", "mod_openssl" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$state/htdocs"
server.pid-file = "$state/lighttpd.pid"
server.errorlog = "$state/error.log"
server.upload-dirs = ( "$state/tmp" )
accesslog.filename = "$state/access.log"
accesslog.format = "$fmt"
$extra
alias.url = ( "/git" => "$backend" )
\$HTTP["url"] =~ "^/git/" {
	cgi.assign = ( "" => "" )
	setenv.set-environment = ( "GIT_PROJECT_ROOT" => "$root", "GIT_HTTP_EXPORT_ALL" => "1" )
}
EOC
	: >"$state/lighttpd.out"
	_srv_spawn "$state/lighttpd.out" "$lighttpd" -D -f "$state/lighttpd.conf"
	pid=$_SRV_PID
	_srv_record "$state" "$kind" "$pid"
	if ! _authsrv_wait_port "$port" "$pid"; then
		_srv_err "start_$kind: lighttpd did not listen on $port"
		_srv_tail "$state/lighttpd.out" "$state/error.log"
		_srv_stop_group "$state/$kind.group"
		return 1
	fi
	_AUTHSRV_PORT=$port
}

start_https() {		# ROOT STATEDIR CERT KEY [USERS]
	_authsrv_lighttpd https "${1-}" "${2-}" "${3-}" "${4-}" "${5-}" || return
	export HTTPS_PORT=$_AUTHSRV_PORT HTTPS_URL=https://127.0.0.1:$_AUTHSRV_PORT/git
	export HTTPS_ACCESS_LOG=$_SRV_STATE/access.log
}

# A plain-HTTP lighttpd with Basic auth in front of git-http-backend.
start_http_auth() {	# ROOT STATEDIR USERS
	_authsrv_lighttpd http-auth "${1-}" "${2-}" "" "" "${3-}" || return
	export AUTH_PORT=$_AUTHSRV_PORT AUTH_URL=http://127.0.0.1:$_AUTHSRV_PORT/git
	export AUTH_ACCESS_LOG=$_SRV_STATE/access.log
}
