//! The answer to a preflight from an allowed origin that asks for a method or
//! a header the policy does not allow: the policy's own answer, so that the
//! browser refuses the real request itself and names what is missing.

use http::header::{ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS};
use http::{HeaderMap, Method, Response};

use super::{AllowOrigin, HeaderRule, MethodRule, OriginRule, Policy};
use crate::request::CorsRequest;
use crate::response::{HeadersFill, PreflightFill};

impl Policy {
    /// The answer to a preflight (given by its headers) whose origin the
    /// policy allows and whose method or headers it refused: the configured
    /// status, `Access-Control-Allow-Origin`, `-Credentials`, the configured
    /// method and header lists and max-age. `None` if `headers` are not
    /// those of a well-formed preflight.
    ///
    /// Where an allowed answer mirrors the request (any method or any header
    /// with credentials, where browsers read `*` literally), this one mirrors
    /// only what the policy allows: the method unless it is `*`, the header
    /// names other than `*`. The answer therefore never covers what was
    /// refused, and tells the origin nothing an allowed answer would not.
    pub(crate) fn refused_preflight<B: Default>(&self, headers: &HeaderMap) -> Option<Response<B>> {
        let Ok(CorsRequest::Preflight(preflight)) =
            CorsRequest::classify(&Method::OPTIONS, headers)
        else {
            return None;
        };
        let origin = preflight.origin();
        let private_network = self.private_network && preflight.requests_private_network();
        let allow_origin = match self.origins {
            // A Private Network Access preflight needs the origin echoed.
            OriginRule::Any if !private_network => AllowOrigin::Star,
            _ => AllowOrigin::Value(origin.header_value()),
        };
        let mirror_method = matches!(self.methods, MethodRule::Any) && self.credentials;
        let mirror_headers = matches!(self.headers, HeaderRule::Any) && self.credentials;
        let method = preflight.method_value();
        let fill = PreflightFill {
            origin: match allow_origin {
                AllowOrigin::Value(origin) => Some(origin),
                AllowOrigin::Star => None,
            },
            method: mirror_method.then_some(method),
            headers: match self.headers {
                HeaderRule::Any
                    if !self.credentials && preflight.requested().includes_authorization() =>
                {
                    HeadersFill::StarAndAuthorization
                }
                _ => HeadersFill::Template,
            },
            private_network,
        };
        let mut response: Response<B> = self.preflight.answer(fill);
        let answer = response.headers_mut();
        if mirror_method && method.as_bytes() == b"*" {
            answer.remove(ACCESS_CONTROL_ALLOW_METHODS);
        }
        if mirror_headers {
            let allowed = preflight.requested().clone().filter(|name| *name != "*");
            match crate::headers::join(allowed) {
                Some(names) => answer.insert(ACCESS_CONTROL_ALLOW_HEADERS, names),
                None => answer.remove(ACCESS_CONTROL_ALLOW_HEADERS),
            };
        }
        Some(response)
    }
}
