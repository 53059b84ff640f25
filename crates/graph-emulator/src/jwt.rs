//! JSON Web Tokens: the emulator's own access tokens (HS256, signed with a key made at start)
//! and the verification of client assertions (PS256 or RS256, `x5t#S256` or `x5t`) against a
//! registered certificate. Certificates are read from PEM; the public key is found by walking
//! the certificate's DER to its SubjectPublicKeyInfo.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::{digest, hmac, signature};
use serde_json::{Map, Value};

/// The emulator's signing key for the access tokens it issues.
pub struct Signer {
    key: hmac::Key,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Signer {
        Signer {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// A signed compact JWT with these claims.
    pub fn issue(&self, claims: &Value) -> String {
        let header = serde_json::json!({"typ": "JWT", "alg": "HS256", "kid": "graph-emulator"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let tag = hmac::sign(&self.key, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The claims of a token this signer issued, or why not.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, &'static str> {
        let (input, sig) = token.rsplit_once('.').ok_or("not a JWT")?;
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| "not a JWT")?;
        hmac::verify(&self.key, input.as_bytes(), &sig).map_err(|_| "bad signature")?;
        let (_, payload) = input.split_once('.').ok_or("not a JWT")?;
        decode_part(payload).ok_or("not a JWT")
    }
}

/// Decodes one base64url JSON part of a JWT.
pub fn decode_part(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A JWT split into its parts, unverified.
pub struct Parsed<'a> {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

pub fn parse(token: &str) -> Option<Parsed<'_>> {
    let (input, sig) = token.rsplit_once('.')?;
    let (header, claims) = input.split_once('.')?;
    Some(Parsed {
        header: decode_part(header)?,
        claims: decode_part(claims)?,
        signing_input: input,
        signature: URL_SAFE_NO_PAD.decode(sig).ok()?,
    })
}

/// A registered client certificate: its DER, thumbprints and RSA public key.
#[derive(Clone)]
pub struct Certificate {
    pub x5t_s256: String,
    pub x5t: String,
    public_key: Vec<u8>,
}

impl Certificate {
    /// Reads the first `CERTIFICATE` block of a PEM text (other blocks, such as the private
    /// key in the same file, are skipped).
    pub fn from_pem(pem: &str) -> Result<Certificate, String> {
        let begin = "-----BEGIN CERTIFICATE-----";
        let start = pem
            .find(begin)
            .ok_or("no CERTIFICATE block in the PEM file")?
            + begin.len();
        let end = pem[start..]
            .find("-----END CERTIFICATE-----")
            .ok_or("the CERTIFICATE block has no END line")?;
        let b64: String = pem[start..start + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let der = STANDARD
            .decode(b64)
            .map_err(|e| format!("the certificate is not base64: {e}"))?;
        Certificate::from_der(&der)
    }

    pub fn from_der(der: &[u8]) -> Result<Certificate, String> {
        let public_key = rsa_public_key(der).ok_or("not an X.509 certificate with an RSA key")?;
        Ok(Certificate {
            x5t_s256: URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, der)),
            x5t: URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der)),
            public_key,
        })
    }

    /// Whether the assertion names this certificate by thumbprint.
    pub fn named_by(&self, header: &Map<String, Value>) -> bool {
        let s256 = header.get("x5t#S256").and_then(Value::as_str);
        let s1 = header.get("x5t").and_then(Value::as_str);
        s256 == Some(self.x5t_s256.as_str()) || s1 == Some(self.x5t.as_str())
    }

    /// Checks the assertion's signature (PS256 or RS256) with this certificate's key.
    pub fn verifies(&self, parsed: &Parsed<'_>) -> bool {
        let alg: &dyn signature::VerificationAlgorithm =
            match parsed.header.get("alg").and_then(Value::as_str) {
                Some("PS256") => &signature::RSA_PSS_2048_8192_SHA256,
                Some("RS256") => &signature::RSA_PKCS1_2048_8192_SHA256,
                _ => return false,
            };
        signature::UnparsedPublicKey::new(alg, &self.public_key)
            .verify(parsed.signing_input.as_bytes(), &parsed.signature)
            .is_ok()
    }
}

/// One DER element: (tag, content, rest).
fn der_next(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | usize::from(b);
        }
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Certificate → tbsCertificate → subjectPublicKeyInfo → the RSAPublicKey in its BIT STRING.
fn rsa_public_key(der: &[u8]) -> Option<Vec<u8>> {
    let (0x30, cert, _) = der_next(der)? else {
        return None;
    };
    let (0x30, tbs, _) = der_next(cert)? else {
        return None;
    };
    let mut rest = tbs;
    let (tag, _, after) = der_next(rest)?;
    if tag == 0xA0 {
        rest = after; // explicit version
    }
    // serialNumber, signature, issuer, validity, subject
    for _ in 0..5 {
        let (_, _, after) = der_next(rest)?;
        rest = after;
    }
    let (0x30, spki, _) = der_next(rest)? else {
        return None;
    };
    let (0x30, algorithm, after) = der_next(spki)? else {
        return None;
    };
    // rsaEncryption OID 1.2.840.113549.1.1.1
    let (0x06, oid, _) = der_next(algorithm)? else {
        return None;
    };
    if oid != [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01] {
        return None;
    }
    let (0x03, bits, _) = der_next(after)? else {
        return None;
    };
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then(|| key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_tampering_fails() {
        let signer = Signer::new(b"k");
        let token = signer.issue(&serde_json::json!({"tid": "t", "roles": ["A"]}));
        assert_eq!(signer.verify(&token).unwrap()["tid"], "t");
        assert!(Signer::new(b"other").verify(&token).is_err());
        let mut tampered = token.clone();
        tampered.push('x');
        assert!(signer.verify(&tampered).is_err());
        assert!(signer.verify("opaque").is_err());
    }

    #[test]
    fn der_walk_refuses_garbage() {
        assert!(Certificate::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(Certificate::from_pem("nothing").is_err());
    }
}
