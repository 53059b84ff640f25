//! The certificate credential: reads the app's certificate and RSA private key from a PEM
//! file (certificate + `PRIVATE KEY` or `RSA PRIVATE KEY`) or a PFX/PKCS#12 file (password
//! from `AZURE_CLIENT_CERTIFICATE_PASSWORD`, empty by default), and signs the client
//! assertion Microsoft's certificate-credentials page describes: a JWT with header
//! `{"alg":"PS256","typ":"JWT","x5t#S256":base64url(SHA-256(certificate DER))}` and claims
//! `aud` (the token endpoint), `iss` = `sub` = the client ID, `jti`, `nbf`, `iat`, `exp`.
//!
//! Signing uses ring, the crypto provider rustls already runs on, so one crypto stack serves
//! TLS and assertions (jsonwebtoken 10+ needs aws-lc-rs, which builds with cmake, or the `rsa`
//! crate and its timing advisory).

use crate::error::ConfigError;
use crate::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RsaKeyPair, RSA_PSS_SHA256};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// An app certificate with its private key, ready to sign assertions.
#[derive(Clone)]
pub struct ClientCertificate {
    key: Arc<RsaKeyPair>,
    /// base64url SHA-256 of the certificate's DER (`x5t#S256`).
    thumbprint_s256: String,
    /// Where it was read from, for messages.
    source: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("source", &self.source)
            .field("x5t#S256", &self.thumbprint_s256)
            .finish_non_exhaustive()
    }
}

impl ClientCertificate {
    /// Reads a PEM or PFX file.
    pub fn load(path: &Path, password: Option<&Secret>) -> Result<ClientCertificate, ConfigError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError(format!("--certificate {shown}: cannot read: {e}")))?;
        Self::from_bytes(&bytes, password, &shown)
    }

    /// Parses PEM (recognised by its `-----BEGIN` line) or else PKCS#12.
    pub fn from_bytes(
        bytes: &[u8],
        password: Option<&Secret>,
        shown: &str,
    ) -> Result<ClientCertificate, ConfigError> {
        let bad = |why: String| ConfigError(format!("--certificate {shown}: {why}"));
        let looks_pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
        let (cert_der, key) = if looks_pem {
            if bytes.windows(9).any(|w| w == b"ENCRYPTED") {
                return Err(bad(
                    "the private key is encrypted; export it unencrypted (openssl pkey -in key.pem -out plain.pem) or use a PFX file with AZURE_CLIENT_CERTIFICATE_PASSWORD".into(),
                ));
            }
            let cert = CertificateDer::pem_slice_iter(bytes)
                .next()
                .ok_or_else(|| {
                    bad(
                        "no CERTIFICATE block; the file needs the certificate and its private key"
                            .into(),
                    )
                })?
                .map_err(|e| bad(format!("unreadable CERTIFICATE block ({e})")))?;
            let key = PrivateKeyDer::from_pem_slice(bytes)
                .map_err(|_| bad("no PRIVATE KEY or RSA PRIVATE KEY block; the file needs the certificate and its private key".into()))?;
            let key =
                match &key {
                    PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
                    PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
                    _ => return Err(bad(
                        "the private key is not an RSA key (Entra certificate credentials use RSA)"
                            .into(),
                    )),
                }
                .map_err(|e| bad(format!("the private key is not a usable RSA key ({e})")))?;
            (cert.as_ref().to_vec(), key)
        } else {
            let password = password.map(Secret::expose).unwrap_or("");
            let store = p12_keystore::KeyStore::from_pkcs12(bytes, password, p12_keystore::Pkcs12ImportPolicy::Relaxed)
                .map_err(|e| {
                    bad(format!(
                        "neither PEM nor a readable PFX/PKCS#12 file ({e}); for a password-protected PFX set AZURE_CLIENT_CERTIFICATE_PASSWORD"
                    ))
                })?;
            let (_, chain) = store
                .private_key_chain()
                .ok_or_else(|| bad("the PFX holds no private key".into()))?;
            let cert = chain
                .certs()
                .first()
                .ok_or_else(|| bad("the PFX holds no certificate for its private key".into()))?;
            let key = RsaKeyPair::from_pkcs8(chain.key().as_der()).map_err(|e| {
                bad(format!(
                    "the PFX's private key is not a usable RSA key ({e})"
                ))
            })?;
            (cert.as_der().to_vec(), key)
        };
        // The certificate must carry this key's public half, or Entra rejects every assertion.
        let public = key.public().as_ref();
        if !cert_der.windows(public.len()).any(|w| w == public) {
            return Err(bad(
                "the certificate does not belong to the private key in the file".into(),
            ));
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, &cert_der);
        Ok(ClientCertificate {
            key: Arc::new(key),
            thumbprint_s256: URL_SAFE_NO_PAD.encode(digest.as_ref()),
            source: shown.to_string(),
        })
    }

    /// The `x5t#S256` value (base64url SHA-256 of the certificate).
    pub fn thumbprint_s256(&self) -> &str {
        &self.thumbprint_s256
    }

    /// A signed client assertion for `audience` (the token endpoint URL), valid 10 minutes.
    pub fn assertion(
        &self,
        client_id: &str,
        audience: &str,
        now_unix: u64,
    ) -> Result<Secret, ConfigError> {
        let header =
            serde_json::json!({"alg": "PS256", "typ": "JWT", "x5t#S256": self.thumbprint_s256});
        let claims = serde_json::json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": random_uuid(),
            "nbf": now_unix,
            "iat": now_unix,
            "exp": now_unix + 600,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PSS_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| {
                ConfigError(format!(
                    "--certificate {}: signing the client assertion failed",
                    self.source
                ))
            })?;
        Ok(Secret::new(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        )))
    }
}

/// A random (version 4) UUID, for `jti` and `client-request-id`.
pub fn random_uuid() -> String {
    let mut b = [0u8; 16];
    if SystemRandom::new().fill(&mut b).is_err() {
        // The OS random source failed: fall back to time and a counter (unique, not secret).
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            ^ u128::from(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        b = n.to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway RSA key for tests only (ring cannot generate RSA keys; rcgen signs the
    /// certificate with it).
    pub(crate) const TEST_KEY_PEM: &str = include_str!("../../tests/data/test-rsa-key.pem");

    fn self_signed(key_pem: &str) -> String {
        let key = rcgen::KeyPair::from_pem(key_pem).unwrap();
        let params = rcgen::CertificateParams::new(vec!["bms2intune-test".into()]).unwrap();
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn pem_assertion_is_ps256_with_sha256_thumbprint_and_verifies() {
        let cert_pem = self_signed(TEST_KEY_PEM);
        let both = format!("{cert_pem}{TEST_KEY_PEM}");
        let cert = ClientCertificate::from_bytes(both.as_bytes(), None, "test.pem").unwrap();
        let der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap();
        let expected =
            URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, der.as_ref()));
        assert_eq!(cert.thumbprint_s256(), expected);

        let jwt = cert
            .assertion(
                "client-1",
                "https://login/t/oauth2/v2.0/token",
                1_700_000_000,
            )
            .unwrap();
        let parts: Vec<&str> = jwt.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "PS256");
        assert_eq!(header["x5t#S256"], expected.as_str());
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "client-1");
        assert_eq!(claims["sub"], "client-1");
        assert_eq!(claims["aud"], "https://login/t/oauth2/v2.0/token");
        assert_eq!(
            claims["exp"].as_u64().unwrap() - claims["nbf"].as_u64().unwrap(),
            600
        );
        // The signature verifies with the certificate's public key under RSA-PSS SHA-256.
        let public = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PSS_2048_8192_SHA256,
            cert.key.public().as_ref().to_vec(),
        );
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        public
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .unwrap();
        assert!(!format!("{cert:?}").contains("PRIVATE"));
    }

    #[test]
    fn pfx_is_read_with_its_password() {
        let cert_pem = self_signed(TEST_KEY_PEM);
        let cert_der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap();
        let key_der = PrivateKeyDer::from_pem_slice(TEST_KEY_PEM.as_bytes()).unwrap();
        let key = p12_keystore::PrivateKey::from_der(key_der.secret_der()).unwrap();
        let chain = p12_keystore::PrivateKeyChain::new(
            b"id".to_vec(),
            key,
            vec![p12_keystore::Certificate::from_der(cert_der.as_ref()).unwrap()],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry("app", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        let pfx = store.writer("pa55").write().unwrap();
        let loaded =
            ClientCertificate::from_bytes(&pfx, Some(&Secret::new("pa55")), "app.pfx").unwrap();
        let pem = ClientCertificate::from_bytes(
            format!("{cert_pem}{TEST_KEY_PEM}").as_bytes(),
            None,
            "p",
        )
        .unwrap();
        assert_eq!(loaded.thumbprint_s256(), pem.thumbprint_s256());
        let wrong =
            ClientCertificate::from_bytes(&pfx, Some(&Secret::new("nope")), "app.pfx").unwrap_err();
        assert!(
            wrong.0.contains("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
            "{wrong}"
        );
    }

    #[test]
    fn mismatched_or_incomplete_files_are_explained() {
        let other = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let foreign_cert = rcgen::CertificateParams::new(vec!["x".into()])
            .unwrap()
            .self_signed(&other)
            .unwrap()
            .pem();
        let e = ClientCertificate::from_bytes(
            format!("{foreign_cert}{TEST_KEY_PEM}").as_bytes(),
            None,
            "f.pem",
        )
        .unwrap_err();
        assert!(e.0.contains("does not belong"), "{e}");
        let e = ClientCertificate::from_bytes(TEST_KEY_PEM.as_bytes(), None, "k.pem").unwrap_err();
        assert!(e.0.contains("no CERTIFICATE"), "{e}");
        let e = ClientCertificate::from_bytes(b"garbage", None, "g.pfx").unwrap_err();
        assert!(e.0.contains("PFX"), "{e}");
    }

    #[test]
    fn uuids_are_version_4() {
        let u = random_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(u, random_uuid());
    }
}
