//! The Microsoft identity platform's v2.0 endpoints for one tenant: `/{tenant}/oauth2/v2.0/token`
//! (client credentials with a secret or a signed client assertion; device code redemption;
//! refresh tokens) and `/{tenant}/oauth2/v2.0/devicecode` (codes approved automatically after
//! a delay). Errors are Entra's JSON: `error`, `error_description` starting with an AADSTS
//! code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`.

use crate::app::{DeviceCode, Shared};
use crate::jwt;
use crate::util::{graph_date, unix_now};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

/// An HTTP answer from the identity endpoints: status and JSON.
pub type Answer = (u16, Value);

fn aad_error(sh: &Shared, status: u16, error: &str, code: u32, description: &str) -> Answer {
    let trace = sh.request_id();
    let correlation = sh.request_id();
    let timestamp = graph_date(unix_now()).replace('T', " ") + "Z";
    (
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {timestamp}"),
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
        }),
    )
}

/// Resolves the `{tenant}` of the URL: this tenant (by id or verified domain), another
/// tenant's id (tokens for it are foreign here), or not found.
fn resolve_tenant(sh: &Shared, tenant: &str, allow_common: bool) -> Result<String, Answer> {
    let store = sh.store();
    let t = tenant.to_ascii_lowercase();
    if t == store.tenant_id.to_ascii_lowercase()
        || store.domains.contains(&t)
        || (allow_common && (t == "organizations" || t == "common"))
    {
        return Ok(store.tenant_id.clone());
    }
    if crate::schema::is_guid(&t) {
        return Ok(t);
    }
    drop(store);
    Err(aad_error(sh, 400, "invalid_request", 90002, &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")))
}

fn form_get<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A form parameter that must be present and non-empty, or Entra's AADSTS900144 answer.
fn required<'a>(sh: &Shared, form: &'a [(String, String)], name: &str) -> Result<&'a str, Answer> {
    form_get(form, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing_parameter(sh, name))
}

/// Entra's answer to a request body without a required parameter (AADSTS900144).
fn missing_parameter(sh: &Shared, name: &str) -> Answer {
    aad_error(
        sh,
        400,
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub fn token(sh: &Shared, tenant: &str, form: &[(String, String)]) -> Answer {
    match form_get(form, "grant_type") {
        Some("client_credentials") => client_credentials(sh, tenant, form),
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            redeem_device_code(sh, tenant, form)
        }
        Some("refresh_token") => refresh(sh, tenant, form),
        Some(other) => aad_error(
            sh,
            400,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
        None => missing_parameter(sh, "grant_type"),
    }
}

fn client_credentials(sh: &Shared, tenant: &str, form: &[(String, String)]) -> Answer {
    let tid = match resolve_tenant(sh, tenant, false) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let client_id = match required(sh, form, "client_id") {
        Ok(c) => c,
        Err(e) => return e,
    };
    let scope = form_get(form, "scope").unwrap_or_default();
    if !scope.ends_with("/.default") {
        return aad_error(sh, 400, "invalid_scope", 1002012, &format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."));
    }
    let known_secret = sh
        .config
        .clients
        .iter()
        .find(|(id, _)| id == client_id)
        .map(|(_, s)| s.as_str());
    let certs: Vec<&jwt::Certificate> = sh
        .certs
        .iter()
        .filter(|(id, _)| id == client_id)
        .map(|(_, c)| c)
        .collect();
    let restricted = !sh.config.clients.is_empty() || !sh.certs.is_empty();
    if restricted && known_secret.is_none() && certs.is_empty() {
        return aad_error(sh, 400, "unauthorized_client", 700016, &format!("Application with identifier '{client_id}' was not found in the directory '{tid}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."));
    }
    let acr = if let Some(secret) = form_get(form, "client_secret") {
        if known_secret.is_some_and(|s| s != secret)
            || (known_secret.is_none() && !certs.is_empty())
        {
            return aad_error(sh, 401, "invalid_client", 7000215, &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."));
        }
        "1"
    } else if let Some(assertion) = form_get(form, "client_assertion") {
        if form_get(form, "client_assertion_type")
            != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return aad_error(sh, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type' with the value 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.");
        }
        if let Err(e) = check_assertion(sh, assertion, client_id, &certs) {
            return e;
        }
        "2"
    } else {
        return aad_error(sh, 401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    };
    let claims = claims(sh, &tid, client_id, Some(acr), None);
    issue(sh, claims, None)
}

fn check_assertion(
    sh: &Shared,
    assertion: &str,
    client_id: &str,
    certs: &[&jwt::Certificate],
) -> Result<(), Answer> {
    let Some(parsed) = jwt::parse(assertion) else {
        return Err(aad_error(
            sh,
            400,
            "invalid_request",
            50027,
            "JWT token is invalid or malformed.",
        ));
    };
    let iss = parsed.claims.get("iss").and_then(Value::as_str);
    let sub = parsed.claims.get("sub").and_then(Value::as_str);
    if iss != Some(client_id) || sub != Some(client_id) {
        return Err(aad_error(sh, 401, "invalid_client", 700021, &format!("Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://aka.ms/certCreds . (iss/sub must be '{client_id}')")));
    }
    let aud = parsed
        .claims
        .get("aud")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !aud.ends_with("/oauth2/v2.0/token") && !aud.ends_with("/oauth2/token") {
        return Err(aad_error(sh, 401, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds ."));
    }
    let now = unix_now();
    let exp = parsed
        .claims
        .get("exp")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let nbf = parsed
        .claims
        .get("nbf")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if exp <= now || nbf > now + 300 {
        return Err(aad_error(sh, 401, "invalid_client", 700024, "Client assertion is not within its valid time range. Review the documentation at https://aka.ms/certCreds ."));
    }
    if certs.is_empty() {
        return Ok(()); // no certificate registered for this client: the emulator accepts it
    }
    let Some(cert) = certs.iter().find(|c| c.named_by(&parsed.header)) else {
        return Err(aad_error(sh, 401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: see x5t#S256]"));
    };
    if !cert.verifies(&parsed) {
        return Err(aad_error(sh, 401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]"));
    }
    Ok(())
}

fn claims(
    sh: &Shared,
    tid: &str,
    client_id: &str,
    acr: Option<&str>,
    delegated: Option<&str>,
) -> Map<String, Value> {
    let now = unix_now();
    let exp = now + sh.config.token_lifetime.as_secs().max(1);
    let oid = sh.rng().uuid();
    let mut c = Map::new();
    c.insert("aud".into(), "https://graph.microsoft.com".into());
    c.insert(
        "iss".into(),
        format!("https://sts.windows.net/{tid}/").into(),
    );
    c.insert("iat".into(), now.into());
    c.insert("nbf".into(), now.into());
    c.insert("exp".into(), exp.into());
    c.insert(
        "app_displayname".into(),
        "bms2intune (graph-emulator)".into(),
    );
    c.insert("appid".into(), client_id.into());
    c.insert(
        "idtyp".into(),
        if delegated.is_some() { "user" } else { "app" }.into(),
    );
    c.insert("oid".into(), oid.clone().into());
    match delegated {
        Some(upn) => {
            c.insert("scp".into(), sh.config.roles.join(" ").into());
            c.insert("upn".into(), upn.into());
            c.insert(
                "wids".into(),
                json!(["62e90394-69f5-4237-9190-012177145e10"]),
            );
        }
        None => {
            c.insert("appidacr".into(), acr.unwrap_or("1").into());
            c.insert("roles".into(), json!(sh.config.roles));
        }
    }
    c.insert("sub".into(), oid.into());
    c.insert("tid".into(), tid.into());
    c.insert("uti".into(), sh.request_id().into());
    c.insert("ver".into(), "1.0".into());
    c
}

fn issue(sh: &Shared, claims: Map<String, Value>, refresh: Option<String>) -> Answer {
    let lifetime = sh.config.token_lifetime.as_secs().max(1);
    let access = if sh.config.opaque_tokens {
        let t = format!("EwB{}", sh.rng().uuid().replace('-', ""));
        sh.opaque
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(t.clone(), claims.clone());
        t
    } else {
        sh.signer.issue(&Value::Object(claims))
    };
    let mut body = json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access,
    });
    if let Some(r) = refresh {
        body["refresh_token"] = r.into();
        body["scope"] = sh
            .config
            .roles
            .iter()
            .map(|r| format!("https://graph.microsoft.com/{r}"))
            .collect::<Vec<_>>()
            .join(" ")
            .into();
    }
    (200, body)
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub fn device_code(sh: &Shared, tenant: &str, form: &[(String, String)]) -> Answer {
    let tid = match resolve_tenant(sh, tenant, true) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let client_id = match required(sh, form, "client_id") {
        Ok(c) => c,
        Err(e) => return e,
    };
    let (code, user_code) = {
        let mut rng = sh.rng();
        let code = format!("DAQABAAEAAAD{}", rng.uuid().replace('-', ""));
        let letters: String = (0..9)
            .map(|_| b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[rng.below(32) as usize] as char)
            .collect();
        (code, letters)
    };
    let now = Instant::now();
    sh.device_codes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(
            code.clone(),
            DeviceCode {
                client_id: client_id.to_string(),
                tenant: tid,
                approve_at: now + sh.config.device_code_approval,
                expires_at: now + Duration::from_secs(900),
                last_poll: None,
                redeemed: false,
            },
        );
    (
        200,
        json!({
            "user_code": user_code,
            "device_code": code,
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": sh.config.device_code_interval,
            "message": format!("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {user_code} to authenticate."),
        }),
    )
}

fn redeem_device_code(sh: &Shared, _tenant: &str, form: &[(String, String)]) -> Answer {
    let code = form_get(form, "device_code").unwrap_or_default();
    let client_id = form_get(form, "client_id").unwrap_or_default();
    let now = Instant::now();
    let outcome = {
        let mut codes = sh.device_codes.lock().unwrap_or_else(|e| e.into_inner());
        match codes.get_mut(code) {
            None => Err((400, "invalid_grant", 70000u32, "The provided value for the input parameter 'device_code' is not valid.")),
            Some(dc) if dc.client_id != client_id => Err((400, "invalid_grant", 70000, "The device code was issued to a different client.")),
            Some(dc) if dc.redeemed => Err((400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")),
            Some(dc) if now >= dc.expires_at => Err((400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.")),
            Some(dc) => {
                let too_fast = dc.last_poll.is_some_and(|p| now.duration_since(p) < Duration::from_millis(sh.config.device_code_interval * 500));
                dc.last_poll = Some(now);
                if now < dc.approve_at {
                    if too_fast {
                        Err((400, "slow_down", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling, more slowly."))
                    } else {
                        Err((400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."))
                    }
                } else {
                    dc.redeemed = true;
                    Ok(dc.tenant.clone())
                }
            }
        }
    };
    match outcome {
        Err((status, error, code, text)) => aad_error(sh, status, error, code, text),
        Ok(tid) => delegated(sh, &tid, client_id),
    }
}

fn delegated(sh: &Shared, tid: &str, client_id: &str) -> Answer {
    let domain = sh
        .store()
        .domains
        .first()
        .cloned()
        .unwrap_or_else(|| "contoso.onmicrosoft.com".into());
    let claims = claims(sh, tid, client_id, None, Some(&format!("admin@{domain}")));
    let refresh = format!("0.AR{}", sh.rng().uuid().replace('-', ""));
    sh.refresh_tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(refresh.clone(), (client_id.to_string(), tid.to_string()));
    issue(sh, claims, Some(refresh))
}

fn refresh(sh: &Shared, _tenant: &str, form: &[(String, String)]) -> Answer {
    let token = form_get(form, "refresh_token").unwrap_or_default();
    let found = sh
        .refresh_tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(token);
    match found {
        Some((client, tid)) if Some(client.as_str()) == form_get(form, "client_id") => {
            delegated(sh, &tid, &client)
        }
        _ => aad_error(
            sh,
            400,
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid.",
        ),
    }
}
