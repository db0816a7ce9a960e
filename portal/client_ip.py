"""Who the client is: the one trust rule for forwarded headers, and every setting derived from it.

``TRUSTED_PROXIES`` names the reverse proxies in front of the portal, as a number of hops (every
request passes through that many) or as networks (a peer in them is a proxy). By default there is
none, and forwarded headers are ignored: the client is the peer that connected. The throttles,
django-axes, the audit log, Django's HTTPS header and gunicorn's ``forwarded_allow_ips`` all ask
this module, so they agree on who the client is.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from python_ipware.modern.parsers import parse_ip, split_proxy_chain

FORWARDED_PROTO_HEADER = "HTTP_X_FORWARDED_PROTO"


@dataclass(frozen=True)
class TrustedProxies:
    hops: int = 0
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, value: str) -> "TrustedProxies":
        """``""`` or ``0``: none; ``2``: two hops; ``10.0.0.0/8,192.0.2.7``: those networks."""
        value = value.strip()
        if not value or value.isdigit():
            return cls(hops=int(value or 0))
        try:
            # strict, as gunicorn reads them: 10.0.0.5/8 is a mistake, not 10.0.0.0/8
            networks = tuple(ipaddress.ip_network(part.strip()) for part in value.split(","))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES must be a number of proxies or a comma-separated list of "
                f"IP networks (e.g. 10.0.0.0/8): {error}"
            ) from None
        return cls(networks=networks)

    @property
    def configured(self) -> bool:
        return bool(self.hops or self.networks)

    def trusts(self, address) -> bool:
        """Whether a peer at ``address`` (a string or an ip_address) is a trusted proxy."""
        if self.hops:
            return True  # every request comes through the proxies: only the count matters
        ip = parse_ip(address) if isinstance(address, str) else address
        return ip is not None and any(ip in network for network in self.networks)

    def client(self, meta) -> str | None:
        """The client's address, from a request's META (or a WSGI environ)."""
        peer = meta.get("REMOTE_ADDR") or None
        if not self.configured or not self.trusts(peer or ""):
            return peer
        # what each proxy saw, client first; the last proxy is the peer itself
        seen = [*split_proxy_chain(meta.get("HTTP_X_FORWARDED_FOR", "")), parse_ip(peer)]
        if self.hops:
            # the entry the outermost proxy appended; anything left of it the client wrote. With
            # fewer entries than proxies the request did not pass them all: the peer is the client
            return str(seen[-self.hops - 1]) if len(seen) > self.hops else peer
        for ip in reversed(seen):
            if not self.trusts(ip):
                return str(ip)
        return str(seen[0])

    def django_settings(self) -> dict:
        """The Django settings that follow: the HTTPS header is honoured behind a proxy only."""
        return {
            "TRUSTED_PROXIES": self,
            "SECURE_PROXY_SSL_HEADER": (FORWARDED_PROTO_HEADER, "https")
            if self.configured
            else None,
        }

    @property
    def gunicorn_forwarded_allow_ips(self) -> str:
        if self.hops:
            return "*"
        return ",".join(str(network) for network in self.networks)


def client_ip(request) -> str | None:
    """The client's address under the TRUSTED_PROXIES setting (axes' AXES_CLIENT_IP_CALLABLE)."""
    if request is None:
        return None
    return settings.TRUSTED_PROXIES.client(request.META)
