//! A built-in list of common public suffixes, for refusing subdomain wildcards
//! that would let anyone register a matching site.
//!
//! Coverage: every single-label suffix (all top-level domains) except
//! `localhost`, plus the multi-label suffixes below — country second levels
//! in wide use and shared hosting platforms whose customers get subdomains.
//! It is not the full Public Suffix List; a wildcard on a suffix missing here
//! is accepted, so keep patterns to domains you control.

/// Multi-label public suffixes recognised in addition to every TLD.
const MULTI_LABEL: &[&str] = &[
    // Country second-level domains.
    "ac.uk",
    "co.uk",
    "gov.uk",
    "ltd.uk",
    "me.uk",
    "net.uk",
    "nhs.uk",
    "org.uk",
    "plc.uk",
    "sch.uk",
    "com.au",
    "net.au",
    "org.au",
    "edu.au",
    "gov.au",
    "id.au",
    "asn.au",
    "co.nz",
    "net.nz",
    "org.nz",
    "govt.nz",
    "ac.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "ac.jp",
    "go.jp",
    "gr.jp",
    "ed.jp",
    "co.kr",
    "or.kr",
    "ne.kr",
    "com.br",
    "net.br",
    "org.br",
    "gov.br",
    "com.cn",
    "net.cn",
    "org.cn",
    "gov.cn",
    "edu.cn",
    "com.hk",
    "org.hk",
    "com.tw",
    "org.tw",
    "com.sg",
    "edu.sg",
    "com.my",
    "com.mx",
    "org.mx",
    "com.ar",
    "com.co",
    "com.tr",
    "org.tr",
    "co.in",
    "net.in",
    "org.in",
    "gen.in",
    "firm.in",
    "ind.in",
    "co.za",
    "org.za",
    "web.za",
    "co.il",
    "org.il",
    "co.id",
    "or.id",
    "com.pl",
    "net.pl",
    "org.pl",
    "com.ua",
    "org.ua",
    "com.ru",
    "org.ru",
    "net.ru",
    "com.es",
    "org.es",
    "com.pt",
    "co.at",
    "or.at",
    "co.th",
    "in.th",
    "com.vn",
    "com.ph",
    "com.pk",
    "com.eg",
    "com.sa",
    "com.ng",
    "co.ke",
    "com.pe",
    "com.ve",
    "com.uy",
    "eu.org",
    "us.com",
    "uk.com",
    "eu.com",
    // Shared hosting and platform domains.
    "github.io",
    "githubusercontent.com",
    "gitlab.io",
    "herokuapp.com",
    "herokussl.com",
    "vercel.app",
    "now.sh",
    "netlify.app",
    "netlify.com",
    "pages.dev",
    "workers.dev",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "blogspot.com",
    "cloudfront.net",
    "amazonaws.com",
    "s3.amazonaws.com",
    "elasticbeanstalk.com",
    "azurewebsites.net",
    "azurestaticapps.net",
    "cloudapp.net",
    "azureedge.net",
    "fly.dev",
    "onrender.com",
    "railway.app",
    "glitch.me",
    "repl.co",
    "replit.dev",
    "surge.sh",
    "ngrok.io",
    "ngrok-free.app",
    "ngrok.app",
    "trycloudflare.com",
    "deno.dev",
    "bitbucket.io",
    "readthedocs.io",
    "wordpress.com",
    "tumblr.com",
    "myshopify.com",
    "wixsite.com",
    "squarespace.com",
    "codeberg.page",
    "sourceforge.io",
    "dyndns.org",
    "duckdns.org",
    "no-ip.org",
    "azurecontainerapps.io",
    "run.app",
    "a.run.app",
    "cloudfunctions.net",
];

/// Whether `suffix` (lowercase ASCII, no leading dot) is a public suffix.
pub(crate) fn is_public_suffix(suffix: &str) -> bool {
    if !suffix.contains('.') {
        return suffix != "localhost";
    }
    MULTI_LABEL.contains(&suffix)
}

#[cfg(test)]
mod tests {
    use super::is_public_suffix;

    #[test]
    fn recognises_tlds_and_listed_suffixes() {
        assert!(is_public_suffix("com"));
        assert!(is_public_suffix("co.uk"));
        assert!(is_public_suffix("github.io"));
        assert!(!is_public_suffix("localhost"));
        assert!(!is_public_suffix("example.com"));
        assert!(!is_public_suffix("app.localhost"));
    }
}
