//! The client's address, for throttles and the Account page's sessions.
//!
//! It is the peer of the TCP connection, unless that peer is one of the
//! operator's reverse proxies (`TANDEM_TRUSTED_PROXIES`): then it is the
//! nearest address in `X-Forwarded-For` that is not a trusted proxy. A
//! header from anyone else is ignored, so no client can choose its own
//! address and escape a throttle.

use http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// Reads `TANDEM_TRUSTED_PROXIES`: addresses or networks, separated by
/// commas or spaces (`10.0.0.5, 192.168.0.0/24, ::1`).
pub fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.split([',', ' ', '\t', '\n'])
        .filter(|s| !s.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{item:?} is neither an IP address nor a network such as 10.0.0.0/8"))
        })
        .collect()
}

/// The client behind `peer`, given the request's headers.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Each proxy appends the address it heard from: walk from the nearest.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // Whatever the nearest trusted proxy could not vouch for is not an address.
            Err(_) => break,
        }
    }
    client
}

/// The current request's client address, as text ("unknown" outside a request).
pub async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
        return "unknown".to_string();
    };
    let headers = leptos_axum::extract::<HeaderMap>().await.unwrap_or_default();
    let trusted = super::context::state().map(|s| s.config.trusted_proxies).unwrap_or_default();
    client_of(peer.ip(), &headers, &trusted).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_client_cannot_name_its_own_address() {
        let none = parse_trusted("").unwrap();
        assert_eq!(client_of(ip("203.0.113.9"), &headers(&["1.2.3.4"]), &none), ip("203.0.113.9"));
        let proxies = parse_trusted("10.0.0.5").unwrap();
        // Not through the proxy: the header is the client's own claim.
        assert_eq!(client_of(ip("203.0.113.9"), &headers(&["1.2.3.4"]), &proxies), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxies = parse_trusted("10.0.0.0/8, ::1").unwrap();
        // The client forged a first entry; the proxy appended what it saw.
        assert_eq!(client_of(ip("10.0.0.5"), &headers(&["6.6.6.6, 198.51.100.7"]), &proxies), ip("198.51.100.7"));
        assert_eq!(client_of(ip("10.0.0.5"), &headers(&["6.6.6.6", "198.51.100.7, 10.1.1.1"]), &proxies), ip("198.51.100.7"));
        assert_eq!(client_of(ip("::1"), &headers(&["198.51.100.7"]), &proxies), ip("198.51.100.7"));
        // No header, or garbage: the proxy itself.
        assert_eq!(client_of(ip("10.0.0.5"), &headers(&[]), &proxies), ip("10.0.0.5"));
        assert_eq!(client_of(ip("10.0.0.5"), &headers(&["<script>"]), &proxies), ip("10.0.0.5"));
    }

    #[test]
    fn the_setting_names_addresses_or_networks() {
        assert_eq!(parse_trusted("10.0.0.5,  192.168.0.0/24 ::1").unwrap().len(), 3);
        assert!(parse_trusted("10.0.0.5, proxy.example").is_err());
    }
}
