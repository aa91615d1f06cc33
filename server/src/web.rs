//! The HTTP surface: Leptos pages and server functions, the label upload/download routes, the
//! REST API (`crate::rest`), and the guard that sends signed-out visitors to the login page.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

use app::components::UploadError;
use app::error::AppError;
use app::domain::{CurrentUser, Permission, Workspace, MAX_LABEL_BYTES, MSG_LABEL_TOO_LARGE};
use app::ports::{session_token_from_headers, ClientAddress, Services};
use app::{shell, App};

use crate::stores::{CarrierLabelFormat, LabelUploadError, SqlLabelStore};

/// Largest request body a server function accepts (uploads have their own, larger limit).
pub const MAX_FORM_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub labels: Arc<SqlLabelStore>,
    pub web: WebSecurity,
    /// `Idempotency-Key` answers of the REST API.
    pub idempotency: crate::rest::idempotency::IdempotencyStore,
}

/// How the HTTP layer tells who and where a request comes from.
#[derive(Clone, Debug, Default)]
pub struct WebSecurity {
    /// The site's public origin (`https://dropdock.example.com`); cross-origin checks compare
    /// against it. None: the request's own Host header.
    pub public_origin: Option<String>,
    /// A header set by a trusted reverse proxy with the client address (`x-forwarded-for`);
    /// its right-most entry is used. None: the TCP peer address.
    pub client_ip_header: Option<String>,
}

pub fn router(leptos_options: LeptosOptions, state: AppState) -> Router {
    let routes = generate_route_list(App);
    let services = state.services.clone();
    let provide_services = move || provide_context(services.clone());

    let labels = Router::new()
        .route("/api/labels", post(upload_label))
        .route("/api/labels/{id}", get(download_label))
        .route("/api/orders/{id}/label/{format}", get(download_carrier_label))
        .route("/api/orders/events", get(order_events))
        .route("/api/floor/orders/{id}/label", get(floor_order_label))
        .route("/api/floor/waves/{id}/picklist.pdf", get(pick_list_pdf))
        .route("/api/products/export", get(export_products))
        // Room for a 10 MB file plus the multipart framing; anything larger is cut off early.
        .layer(DefaultBodyLimit::max(MAX_LABEL_BYTES as usize + 64 * 1024))
        .with_state(state.clone());
    // The REST API: bearer tokens only, its own body limit and JSON errors.
    let rest = crate::rest::router(state.clone());

    Router::new()
        .leptos_routes_with_context(&leptos_options, routes, provide_services, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options)
        // Pages and server functions: a form is a few KB; anything near this is not one of ours.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_FORM_BODY_BYTES))
        .merge(labels)
        .merge(rest)
        .route("/healthz", get(|| async { "ok" }))
        .layer(from_fn(error_status_from_body))
        .layer(from_fn_with_state(state.clone(), page_guard))
        .layer(from_fn_with_state(state.clone(), refuse_cross_site_writes))
        .layer(from_fn_with_state(state, remember_client_address))
        .layer(from_fn(close_after_oversized_body))
        // gzip/brotli for HTML, JSON, JS, CSS and WASM (the WASM shrinks ~3x).
        .layer(CompressionLayer::new())
}

/// A 413 goes out before the body is read, so that connection cannot carry another request:
/// say so, or a client that reuses it sees its next request cut off.
async fn close_after_oversized_body(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn user_from_request(state: &AppState, headers: &axum::http::HeaderMap) -> Option<CurrentUser> {
    let token = session_token_from_headers(headers)?;
    let now = state.services.clock.now_ms();
    state.services.accounts.user_for_session(&token, now).await.ok().flatten()
}

/// Pages need a signed-in user whose role works in the page's workspace (merchant, floor,
/// admin); anyone else is sent to their own home. API calls authorize themselves.
async fn page_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_page = req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && path != "/healthz"
        && !path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    if !is_page {
        return next.run(req).await;
    }
    let user = user_from_request(&state, req.headers()).await;
    match (user.map(|u| u.role), path) {
        (None, "/login") => next.run(req).await,
        (None, _) => Redirect::to("/login").into_response(),
        // "/admin" has no page of its own: the admin's home is its first page.
        (Some(role), "/" | "/login" | "/admin") => Redirect::to(role.home_path()).into_response(),
        (Some(role), _) => match Workspace::of_path(path) {
            Some(workspace) if workspace != role.workspace() => Redirect::to(role.home_path()).into_response(),
            _ => next.run(req).await,
        },
    }
}

/// Decides the client's address once (for sign-in throttling) and puts it in the request.
async fn remember_client_address(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let from_proxy = state.web.client_ip_header.as_deref().and_then(|name| {
        let values = req.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
        values.rsplit(',').map(str::trim).find(|v| !v.is_empty()).map(str::to_string)
    });
    let peer = || req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
    let address = from_proxy.or_else(peer).unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientAddress(address));
    next.run(req).await
}

/// CSRF defence: a state-changing request that a browser sent from another site is refused.
/// Browsers name the page's origin in `Origin` (and say `Sec-Fetch-Site`) on every POST; the
/// session cookie is also SameSite=Lax. The token-authenticated REST API (`/api/v1`) carries
/// no cookie and is left alone; requests naming neither header are not from a browser.
async fn refuse_cross_site_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !writes || req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let same_origin = match (header("origin"), header("sec-fetch-site")) {
        (Some(origin), _) => is_own_origin(origin, state.web.public_origin.as_deref(), header("host")),
        (None, Some(site)) => matches!(site, "same-origin" | "none"),
        (None, None) => true,
    };
    if same_origin {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), origin = ?header("origin"), "cross-site write refused");
        json_error(StatusCode::FORBIDDEN, "This request came from another site and was refused")
    }
}

/// `origin` (scheme://host[:port]) is this site: equal to the configured public origin, or
/// else naming the same host[:port] the request was sent to.
fn is_own_origin(origin: &str, public_origin: Option<&str>, host: Option<&str>) -> bool {
    match public_origin {
        Some(public) => origin.eq_ignore_ascii_case(public.trim_end_matches('/')),
        None => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest);
            matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
        }
    }
}

/// server_fn sends every error with status 500; give each AppError the status of its kind
/// (422 validation, 409 refused, 404, 401, 400 malformed body …). The one place that decides it.
async fn error_status_from_body(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error body too large").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(UploadError { error: message.into() })).into_response()
}

/// An unreadable or oversized multipart body.
fn multipart_error(e: &axum::extract::multipart::MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        json_error(StatusCode::PAYLOAD_TOO_LARGE, MSG_LABEL_TOO_LARGE)
    } else {
        json_error(e.status(), format!("The upload could not be read: {}", e.body_text()))
    }
}

/// The signed-in caller if their role may do `permission`, else the 401 / 403 answer.
async fn caller_with(state: &AppState, headers: &axum::http::HeaderMap, permission: Permission) -> Result<CurrentUser, Response> {
    let user = user_from_request(state, headers).await.ok_or_else(|| json_error(StatusCode::UNAUTHORIZED, "Please sign in"))?;
    if user.may(permission) {
        Ok(user)
    } else {
        Err(json_error(StatusCode::FORBIDDEN, AppError::Forbidden.to_string()))
    }
}

/// The caller's merchant, when they may do `permission` with its data.
async fn merchant_id(state: &AppState, headers: &axum::http::HeaderMap, permission: Permission) -> Result<i64, Response> {
    let user = caller_with(state, headers, permission).await?;
    user.merchant_id.ok_or_else(|| json_error(StatusCode::FORBIDDEN, AppError::Forbidden.to_string()))
}

/// The caller's current warehouse, for floor staff.
async fn warehouse_id(state: &AppState, headers: &axum::http::HeaderMap) -> Result<i64, Response> {
    let user = caller_with(state, headers, Permission::WorkFloor).await?;
    user.warehouse_id.ok_or_else(|| json_error(StatusCode::FORBIDDEN, AppError::Forbidden.to_string()))
}

/// The shipping label of an order in the caller's warehouse, for the pack station: the
/// carrier's PDF, or the merchant's upload for self-pickup channels.
async fn floor_order_label(State(state): State<AppState>, headers: axum::http::HeaderMap, Path(id): Path<i64>) -> Response {
    let warehouse = match warehouse_id(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    match state.labels.read_for_warehouse(warehouse, id).await {
        Ok(Some((file_name, bytes))) => file_response(bytes, "application/pdf", &file_name),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "This order has no label yet"),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The printable pick list of a wave in the caller's warehouse.
async fn pick_list_pdf(State(state): State<AppState>, headers: axum::http::HeaderMap, Path(id): Path<i64>) -> Response {
    let warehouse = match warehouse_id(&state, &headers).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let sheet = match state.services.floor.pick_sheet(warehouse, id).await {
        Ok(sheet) => sheet,
        Err(AppError::NotFound) => return json_error(StatusCode::NOT_FOUND, "Not found"),
        Err(e) => return json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let code = match state.services.floor.warehouse_code(warehouse).await {
        Ok(code) => code,
        Err(e) => return json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    match crate::picklist::render(&sheet, &code) {
        Ok(pdf) => file_response(pdf, "application/pdf", &format!("pick-list-{}.pdf", app::domain::wave_no(id))),
        Err(e) => {
            tracing::error!(error = %e, wave = id, "pick list rendering failed");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal.to_string())
        }
    }
}

/// Multipart upload of one self-pickup label (field `file`). Answers the stored `LabelRef`.
async fn upload_label(State(state): State<AppState>, headers: axum::http::HeaderMap, mut multipart: Multipart) -> Response {
    let merchant = match merchant_id(&state, &headers, Permission::WorkOrders).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return json_error(StatusCode::BAD_REQUEST, "No file was uploaded (expected a form field named \"file\")"),
            Err(e) => return multipart_error(&e),
        };
        if field.name() != Some("file") {
            continue;
        }
        let file_name = field.file_name().unwrap_or("label.pdf").to_string();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return multipart_error(&e),
        };
        let now = state.services.clock.now_ms();
        return match state.labels.save(merchant, &file_name, &bytes, now).await {
            Ok(label) => (StatusCode::CREATED, Json(label)).into_response(),
            Err(LabelUploadError::Rejected(msg)) => json_error(StatusCode::UNPROCESSABLE_ENTITY, msg),
            Err(LabelUploadError::App(e)) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        };
    }
}

async fn download_label(State(state): State<AppState>, headers: axum::http::HeaderMap, Path(id): Path<String>) -> Response {
    let merchant = match merchant_id(&state, &headers, Permission::ViewMerchantData).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    match state.labels.read(merchant, &id).await {
        Ok(Some((label, bytes))) => file_response(bytes, "application/pdf", &label.file_name),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "Not found"),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The carrier label of an order: `pdf` (4x6) or `zpl` (thermal printers).
async fn download_carrier_label(State(state): State<AppState>, headers: axum::http::HeaderMap, Path((id, format)): Path<(i64, String)>) -> Response {
    let merchant = match merchant_id(&state, &headers, Permission::ViewMerchantData).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let (format, content_type, ext) = match format.as_str() {
        "pdf" => (CarrierLabelFormat::Pdf, "application/pdf", "pdf"),
        "zpl" => (CarrierLabelFormat::Zpl, "text/plain; charset=utf-8", "zpl"),
        _ => return json_error(StatusCode::NOT_FOUND, "Label format must be pdf or zpl"),
    };
    match state.labels.read_carrier_label(merchant, id, format).await {
        Ok(Some(bytes)) => file_response(bytes, content_type, &format!("{}-label.{ext}", app::domain::order_no(id))),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "This order has no carrier label yet"),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sold_out: Option<String>,
}

/// The caller's product list as CSV or XLSX, with the list page's search and filter.
async fn export_products(State(state): State<AppState>, headers: axum::http::HeaderMap, axum::extract::Query(query): axum::extract::Query<ExportQuery>) -> Response {
    use crate::tabular::{attachment, write_table, TableFormat};
    let merchant = match merchant_id(&state, &headers, Permission::ViewMerchantData).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let Some(format) = TableFormat::from_code(&query.format) else {
        return json_error(StatusCode::BAD_REQUEST, "Export format must be csv or xlsx");
    };
    let filter = app::domain::ProductFilter { search: query.q, sold_out: query.sold_out.is_some_and(|v| v == "1" || v == "true"), page: 1 };
    let filter = match filter.validated() {
        Ok(f) => f,
        Err(e) => return json_error(StatusCode::UNPROCESSABLE_ENTITY, e.messages().collect::<Vec<_>>().join("; ")),
    };
    let page = match state.services.products.list(merchant, &filter, crate::exports::MAX_EXPORT_ROWS).await {
        Ok(p) => p,
        Err(e) => return json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let sheet = crate::exports::product_sheet(&page.products, &page.warehouses);
    match write_table(&sheet, format) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
            if let Ok(v) = HeaderValue::from_str(&attachment("products", format)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// A document shown inline by the browser, named `file_name` when saved.
fn file_response(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("inline; filename=\"{}\"", file_name.replace(['"', '\\'], "_"));
    let mut response = Response::new(Body::from(bytes));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Server-sent events: one message (the changed order ids) whenever any of the caller's
/// orders changes. Polls the database, so it also sees changes made by other app servers
/// and by label workers in other processes.
async fn order_events(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use std::collections::HashMap;

    let merchant = match merchant_id(&state, &headers, Permission::ViewMerchantData).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let orders = state.services.orders.clone();
    let clock = state.services.clock.clone();
    // Re-read a short window each time: a transaction that commits late with an older
    // timestamp is still seen; `sent` keeps repeats out.
    const OVERLAP_MS: i64 = 5_000;
    let start = (clock.now_ms(), HashMap::<i64, i64>::new());
    let stream = futures_util::stream::unfold(start, move |(mut since, mut sent)| {
        let orders = orders.clone();
        let clock = clock.clone();
        async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                let now = clock.now_ms();
                let changed = match orders.changed_since(merchant, since - OVERLAP_MS).await {
                    Ok(c) => c,
                    Err(_) => continue,
                };
                let fresh: Vec<i64> = changed.iter().filter(|(id, at)| sent.get(id) != Some(at)).map(|(id, _)| *id).collect();
                sent.extend(changed);
                sent.retain(|_, at| *at > now - 2 * OVERLAP_MS);
                since = now;
                if !fresh.is_empty() {
                    let event = Event::default().event("message").data(serde_json::to_string(&fresh).unwrap_or_default());
                    return Some((Ok::<_, std::convert::Infallible>(event), (since, sent)));
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
