/*
 * The table of ssh_config keywords (sshkeyword.h), OpenSSH 9's and
 * Debian's GSSAPI ones.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "sshkeyword.h"

static const char proxy[] = "githerd connects to the server directly, "
    "never through a proxy or jump host";
static const char keys[] = "githerd offers only key files and the agent's "
    "keys";
static const char algs[] = "libssh2 picks from its own algorithms, so a "
    "list that removes or restricts them cannot be honoured (one that only "
    "adds, with '+' or '^', is ignored)";

static const struct sshkeyword keywords[] = {
	{ "Host", SSHKW_HOST, NULL, NULL },
	{ "Match", SSHKW_MATCH, NULL, NULL },
	{ "Include", SSHKW_INCLUDE, NULL, NULL },
	{ "HostName", SSHKW_HOSTNAME, NULL, NULL },
	{ "User", SSHKW_USER, NULL, NULL },
	{ "Port", SSHKW_PORT, NULL, NULL },
	{ "IdentityFile", SSHKW_IDENTITYFILE, NULL, NULL },
	{ "IdentitiesOnly", SSHKW_IDENTITIESONLY, NULL, NULL },
	{ "UserKnownHostsFile", SSHKW_KNOWNHOSTS, NULL, NULL },
	{ "StrictHostKeyChecking", SSHKW_STRICT, NULL, NULL },
	{ "IdentityAgent", SSHKW_AGENT, NULL, NULL },
	{ "IgnoreUnknown", SSHKW_IGNOREUNKNOWN, NULL, NULL },

	{ "ProxyJump", SSHKW_REFUSED, "none", proxy },
	{ "ProxyCommand", SSHKW_REFUSED, "none", proxy },
	{ "ProxyUseFdpass", SSHKW_REFUSED, "no", proxy },
	{ "CanonicalizeHostname", SSHKW_REFUSED, "no",
	    "githerd does not canonicalize host names" },
	{ "HostKeyAlias", SSHKW_REFUSED, NULL,
	    "githerd looks host keys up under HostName only" },
	{ "RevokedHostKeys", SSHKW_REFUSED, "none",
	    "githerd cannot check host keys against a revocation list" },
	{ "BindAddress", SSHKW_REFUSED, NULL,
	    "githerd does not choose the local address" },
	{ "BindInterface", SSHKW_REFUSED, NULL,
	    "githerd does not choose the local interface" },
	{ "CertificateFile", SSHKW_REFUSED, NULL, keys },
	{ "PKCS11Provider", SSHKW_REFUSED, "none", keys },
	{ "SecurityKeyProvider", SSHKW_REFUSED, "internal", keys },
	{ "PubkeyAuthentication", SSHKW_REFUSED, "yes,unbound,host-bound",
	    "githerd authenticates with keys only" },
	{ "RemoteCommand", SSHKW_REFUSED, "none",
	    "githerd runs git-upload-pack on the server, nothing else" },
	{ "RequiredRSASize", SSHKW_REFUSED, NULL,
	    "libssh2 does not enforce a minimum RSA key size" },
	{ "Ciphers", SSHKW_ALGORITHMS, NULL, algs },
	{ "MACs", SSHKW_ALGORITHMS, NULL, algs },
	{ "KexAlgorithms", SSHKW_ALGORITHMS, NULL, algs },
	{ "HostKeyAlgorithms", SSHKW_ALGORITHMS, NULL, algs },
	{ "PubkeyAcceptedAlgorithms", SSHKW_ALGORITHMS, NULL, algs },
	{ "PubkeyAcceptedKeyTypes", SSHKW_ALGORITHMS, NULL, algs },
	{ "CASignatureAlgorithms", SSHKW_ALGORITHMS, NULL, algs },

	/* Keep-alives, forwarding, multiplexing, logging, the terminal;
	 * authentication githerd never does; trust githerd never grants
	 * (DNS, localhost, a command): ignoring them is safe. */
	{ "AddKeysToAgent", SSHKW_IGNORED, NULL, NULL },
	{ "AddressFamily", SSHKW_IGNORED, NULL, NULL },
	{ "BatchMode", SSHKW_IGNORED, NULL, NULL },
	{ "CanonicalDomains", SSHKW_IGNORED, NULL, NULL },
	{ "CanonicalizeFallbackLocal", SSHKW_IGNORED, NULL, NULL },
	{ "CanonicalizeMaxDots", SSHKW_IGNORED, NULL, NULL },
	{ "CanonicalizePermittedCNAMEs", SSHKW_IGNORED, NULL, NULL },
	{ "ChallengeResponseAuthentication", SSHKW_IGNORED, NULL, NULL },
	{ "ChannelTimeout", SSHKW_IGNORED, NULL, NULL },
	{ "CheckHostIP", SSHKW_IGNORED, NULL, NULL },
	{ "Cipher", SSHKW_IGNORED, NULL, NULL },
	{ "ClearAllForwardings", SSHKW_IGNORED, NULL, NULL },
	{ "Compression", SSHKW_IGNORED, NULL, NULL },
	{ "ConnectionAttempts", SSHKW_IGNORED, NULL, NULL },
	{ "ConnectTimeout", SSHKW_IGNORED, NULL, NULL },
	{ "ControlMaster", SSHKW_IGNORED, NULL, NULL },
	{ "ControlPath", SSHKW_IGNORED, NULL, NULL },
	{ "ControlPersist", SSHKW_IGNORED, NULL, NULL },
	{ "DynamicForward", SSHKW_IGNORED, NULL, NULL },
	{ "EnableEscapeCommandline", SSHKW_IGNORED, NULL, NULL },
	{ "EnableSSHKeysign", SSHKW_IGNORED, NULL, NULL },
	{ "EscapeChar", SSHKW_IGNORED, NULL, NULL },
	{ "ExitOnForwardFailure", SSHKW_IGNORED, NULL, NULL },
	{ "FingerprintHash", SSHKW_IGNORED, NULL, NULL },
	{ "ForkAfterAuthentication", SSHKW_IGNORED, NULL, NULL },
	{ "ForwardAgent", SSHKW_IGNORED, NULL, NULL },
	{ "ForwardX11", SSHKW_IGNORED, NULL, NULL },
	{ "ForwardX11Timeout", SSHKW_IGNORED, NULL, NULL },
	{ "ForwardX11Trusted", SSHKW_IGNORED, NULL, NULL },
	{ "GatewayPorts", SSHKW_IGNORED, NULL, NULL },
	{ "GlobalKnownHostsFile", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIAuthentication", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIClientIdentity", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIDelegateCredentials", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIKexAlgorithms", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIKeyExchange", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIRenewalForcesRekey", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPIServerIdentity", SSHKW_IGNORED, NULL, NULL },
	{ "GSSAPITrustDns", SSHKW_IGNORED, NULL, NULL },
	{ "HashKnownHosts", SSHKW_IGNORED, NULL, NULL },
	{ "HostbasedAcceptedAlgorithms", SSHKW_IGNORED, NULL, NULL },
	{ "HostbasedAuthentication", SSHKW_IGNORED, NULL, NULL },
	{ "HostbasedKeyTypes", SSHKW_IGNORED, NULL, NULL },
	{ "IPQoS", SSHKW_IGNORED, NULL, NULL },
	{ "KbdInteractiveAuthentication", SSHKW_IGNORED, NULL, NULL },
	{ "KbdInteractiveDevices", SSHKW_IGNORED, NULL, NULL },
	{ "KnownHostsCommand", SSHKW_IGNORED, NULL, NULL },
	{ "LocalCommand", SSHKW_IGNORED, NULL, NULL },
	{ "LocalForward", SSHKW_IGNORED, NULL, NULL },
	{ "LogLevel", SSHKW_IGNORED, NULL, NULL },
	{ "LogVerbose", SSHKW_IGNORED, NULL, NULL },
	{ "NoHostAuthenticationForLocalhost", SSHKW_IGNORED, NULL, NULL },
	{ "NumberOfPasswordPrompts", SSHKW_IGNORED, NULL, NULL },
	{ "ObscureKeystrokeTiming", SSHKW_IGNORED, NULL, NULL },
	{ "PasswordAuthentication", SSHKW_IGNORED, NULL, NULL },
	{ "PermitLocalCommand", SSHKW_IGNORED, NULL, NULL },
	{ "PermitRemoteOpen", SSHKW_IGNORED, NULL, NULL },
	{ "PreferredAuthentications", SSHKW_IGNORED, NULL, NULL },
	{ "Protocol", SSHKW_IGNORED, NULL, NULL },
	{ "RekeyLimit", SSHKW_IGNORED, NULL, NULL },
	{ "RemoteForward", SSHKW_IGNORED, NULL, NULL },
	{ "RequestTTY", SSHKW_IGNORED, NULL, NULL },
	{ "SendEnv", SSHKW_IGNORED, NULL, NULL },
	{ "ServerAliveCountMax", SSHKW_IGNORED, NULL, NULL },
	{ "ServerAliveInterval", SSHKW_IGNORED, NULL, NULL },
	{ "SessionType", SSHKW_IGNORED, NULL, NULL },
	{ "SetEnv", SSHKW_IGNORED, NULL, NULL },
	{ "StdinNull", SSHKW_IGNORED, NULL, NULL },
	{ "StreamLocalBindMask", SSHKW_IGNORED, NULL, NULL },
	{ "StreamLocalBindUnlink", SSHKW_IGNORED, NULL, NULL },
	{ "Tag", SSHKW_IGNORED, NULL, NULL },
	{ "TCPKeepAlive", SSHKW_IGNORED, NULL, NULL },
	{ "Tunnel", SSHKW_IGNORED, NULL, NULL },
	{ "TunnelDevice", SSHKW_IGNORED, NULL, NULL },
	{ "UpdateHostKeys", SSHKW_IGNORED, NULL, NULL },
	{ "UseKeychain", SSHKW_IGNORED, NULL, NULL },
	{ "UseRoaming", SSHKW_IGNORED, NULL, NULL },
	{ "VerifyHostKeyDNS", SSHKW_IGNORED, NULL, NULL },
	{ "VisualHostKey", SSHKW_IGNORED, NULL, NULL },
	{ "XAuthLocation", SSHKW_IGNORED, NULL, NULL },
};
#define NKEYWORDS	(sizeof(keywords) / sizeof(*keywords))

_Static_assert(NKEYWORDS <= SSHKEYWORD_MAX, "SSHKEYWORD_MAX is too small");

const struct sshkeyword *
sshkeyword_find(const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++)
		if (strcasecmp(name, keywords[i].name) == 0) {
			*index = i;
			return &keywords[i];
		}
	return NULL;
}

bool
sshkeyword_one_of(const char *list, const char *value)
{
	size_t n = strlen(value);
	const char *p;

	for (p = list; *p != '\0'; p += strcspn(p, ","), p += *p == ',')
		if (strncasecmp(p, value, n) == 0 && (p[n] == ',' ||
		    p[n] == '\0'))
			return true;
	return false;
}

bool
sshkeyword_allows(const struct sshkeyword *k, const char *value)
{
	if (k->kind == SSHKW_ALGORITHMS)
		return value[0] == '+' || value[0] == '^';
	return k->ok != NULL && sshkeyword_one_of(k->ok, value);
}
