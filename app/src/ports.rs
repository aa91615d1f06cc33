//! Server-side ports: what the server functions need from storage and the outside world.
//! Implemented in the `server` crate (sqlx, files); never compiled into the WASM bundle.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::*;
use crate::error::AppError;

pub type AppResult<T> = Result<T, AppError>;

/// Which orders a caller may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderScope {
    Merchant(MerchantId),
    Warehouse(WarehouseId),
}

/// Who did it, for the order history.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub name: String,
}

impl From<&CurrentUser> for Actor {
    fn from(u: &CurrentUser) -> Self {
        Actor { user_id: u.id, name: u.display_name.clone() }
    }
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Inserts a Draft order with its lines and a "Created" event.
    async fn create(&self, merchant: MerchantId, actor: &Actor, draft: &OrderDraft, now_ms: i64) -> AppResult<OrderId>;
    /// Replaces a Draft order's contents; refused (Conflict) once the order left Draft.
    /// `change` says what the edit changed (for the history).
    async fn update_draft(&self, merchant: MerchantId, actor: &Actor, id: OrderId, draft: &OrderDraft, change: &str, now_ms: i64) -> AppResult<()>;
    /// Draft → Submitted; when the channel buys its label from the carrier, the label job is
    /// queued in the same transaction.
    async fn submit(&self, merchant: MerchantId, id: OrderId, actor: &Actor, needs_carrier_label: bool, now_ms: i64) -> AppResult<OrderStatus>;
    /// Submitted → Draft; cancels a queued label job. Returns the carrier's id of a label that
    /// was already bought, which the caller voids at the carrier.
    async fn intercept(&self, merchant: MerchantId, id: OrderId, actor: &Actor, now_ms: i64) -> AppResult<Option<String>>;
    /// Queues the label purchase again after a failure (Submitted orders only).
    async fn retry_label(&self, merchant: MerchantId, id: OrderId, now_ms: i64) -> AppResult<()>;
    /// Conditional status change (`WHERE status = expected`) plus its event, atomically.
    async fn transition(&self, scope: OrderScope, id: OrderId, action: OrderAction, actor: &Actor, now_ms: i64) -> AppResult<OrderStatus>;
    async fn get(&self, scope: OrderScope, id: OrderId) -> AppResult<Option<OrderDetail>>;
    async fn list(&self, scope: OrderScope, query: &OrderListQuery) -> AppResult<OrderPage>;
    /// (id, updated_at) of the merchant's orders changed after `since_ms`, for live updates.
    async fn changed_since(&self, merchant: MerchantId, since_ms: i64) -> AppResult<Vec<(OrderId, i64)>>;
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Everything a merchant can order from (for the form).
    async fn catalog_for_merchant(&self, merchant: MerchantId) -> AppResult<Catalog>;
    /// Stock of the merchant's SKUs in the warehouses it uses (one row per SKU), by SKU code.
    async fn merchant_stock(&self, merchant: MerchantId, warehouse: Option<WarehouseId>) -> AppResult<Vec<SkuStock>>;
}

/// Personal API tokens: stored by their SHA-256 only; the plaintext exists once, in the
/// answer to `create`.
#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    async fn list(&self, merchant: MerchantId) -> AppResult<Vec<ApiTokenInfo>>;
    /// A new token for `owner` with the (validated) input; returns it with the plaintext.
    async fn create(&self, owner: &CurrentUser, merchant: MerchantId, input: &ApiTokenInput, now_ms: i64) -> AppResult<CreatedApiToken>;
    /// Revoked at once (NotFound for another merchant's token; revoking twice is a no-op).
    async fn revoke(&self, actor: &Actor, merchant: MerchantId, id: ApiTokenId, now_ms: i64) -> AppResult<()>;
    /// The owner (still a user of the token's merchant) and scopes of an active token.
    async fn authenticate(&self, token: &str, now_ms: i64) -> AppResult<Option<(CurrentUser, Vec<ApiScope>)>>;
}

/// What a password check found.
#[derive(Clone, Debug)]
pub enum PasswordCheck {
    Valid(CurrentUser),
    /// Right password, but an admin disabled the account.
    Disabled,
    /// Unknown email or wrong password (not told apart, so accounts cannot be discovered).
    Invalid,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Checks the password (slow on purpose: argon2, also for unknown emails).
    async fn check_password(&self, email: &str, password: &str) -> AppResult<PasswordCheck>;
    /// Failed sign-ins in the throttling window: for the account since its last success, and
    /// from the client address; each as (count, time of the oldest).
    async fn recent_sign_in_failures(&self, email: &str, address: &str, now_ms: i64) -> AppResult<((i64, Option<i64>), (i64, Option<i64>))>;
    async fn record_sign_in(&self, email: &str, address: &str, succeeded: bool, now_ms: i64) -> AppResult<()>;
    /// A new session; returns the token for the cookie.
    async fn create_session(&self, user: UserId, now_ms: i64) -> AppResult<String>;
    async fn user_for_session(&self, token: &str, now_ms: i64) -> AppResult<Option<CurrentUser>>;
    async fn delete_session(&self, token: &str) -> AppResult<()>;
    /// Ends every session of the user except `keep` (a session token), e.g. after a password
    /// change or "sign out everywhere" (keep = None).
    async fn delete_user_sessions(&self, user: UserId, keep: Option<&str>) -> AppResult<u64>;
    /// Replaces the password (argon2) and records who did it.
    async fn set_password(&self, user: UserId, new_password: &str, actor: &Actor, now_ms: i64) -> AppResult<()>;
    /// Warehouses a warehouse user may work in.
    async fn user_warehouses(&self, user: UserId) -> AppResult<Vec<Warehouse>>;
    /// Makes `warehouse` the session's working warehouse (Forbidden if not one of the user's).
    async fn select_warehouse(&self, token: &str, user: UserId, warehouse: WarehouseId) -> AppResult<()>;
}

/// Platform administration: users, merchants, warehouses, business types, channels, SKUs.
/// Not tenant-scoped (only platform admins reach it). Every write is one transaction with its
/// audit entry (before → after); a duplicate code, email or name is a field error.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Merchants (with the warehouses each may use), warehouses and business types.
    async fn refs(&self) -> AppResult<AdminRefs>;
    async fn users(&self, filter: &UserFilter) -> AppResult<Vec<AdminUser>>;
    async fn user(&self, id: UserId) -> AppResult<Option<AdminUser>>;
    /// Creates (`id` None, with `input.password`) or updates a user. A change of role, merchant
    /// or warehouses ends the user's sessions in the same transaction (their rights changed).
    async fn save_user(&self, actor: &Actor, id: Option<UserId>, input: &UserInput, now_ms: i64) -> AppResult<UserId>;
    /// Disabling also ends the user's sessions; refused (Conflict) when already so.
    async fn set_user_disabled(&self, actor: &Actor, id: UserId, disabled: bool, now_ms: i64) -> AppResult<()>;
    /// Sets a new password, ends the user's sessions and lifts a sign-in lock on the account.
    async fn reset_password(&self, actor: &Actor, id: UserId, new_password: &str, now_ms: i64) -> AppResult<()>;
    /// Creates or renames a merchant and sets the warehouses it may use (a warehouse that
    /// still holds the merchant's SKUs cannot be taken away).
    async fn save_merchant(&self, actor: &Actor, id: Option<MerchantId>, input: &MerchantInput, now_ms: i64) -> AppResult<MerchantId>;
    async fn save_warehouse(&self, actor: &Actor, id: Option<WarehouseId>, input: &WarehouseInput, now_ms: i64) -> AppResult<WarehouseId>;
    async fn save_business_type(&self, actor: &Actor, id: Option<BusinessTypeId>, input: &BusinessTypeInput, now_ms: i64) -> AppResult<BusinessTypeId>;
    async fn channels(&self) -> AppResult<Vec<Channel>>;
    /// A channel keeps its warehouse and business type; a channel with orders keeps its kind
    /// (self-pickup or carrier).
    async fn save_channel(&self, actor: &Actor, id: Option<ChannelId>, input: &ChannelInput, now_ms: i64) -> AppResult<ChannelId>;
    async fn skus(&self, filter: &SkuFilter) -> AppResult<Vec<AdminSku>>;
    /// A SKU keeps its merchant and warehouse; the merchant must be allowed at the warehouse
    /// (checked again inside the transaction).
    async fn save_sku(&self, actor: &Actor, id: Option<SkuId>, input: &SkuInput, now_ms: i64) -> AppResult<SkuId>;
    /// Who changed the object, when, before → after (oldest first); NotFound for unknown ids.
    async fn history(&self, object: AdminObject) -> AppResult<Vec<AuditEntry>>;
}

/// A merchant's products: its SKU codes, each with one `skus` row per warehouse it may use.
/// Every call is scoped to the merchant; another merchant's codes do not exist here.
#[async_trait]
pub trait ProductStore: Send + Sync {
    /// One page (`page_size` products, by code) of what matches `filter`, with the total.
    async fn list(&self, merchant: MerchantId, filter: &ProductFilter, page_size: u32) -> AppResult<ProductPage>;
    async fn get(&self, merchant: MerchantId, code: &str) -> AppResult<Option<Product>>;
    /// Creates the product in every warehouse the merchant may use. A code already used, or a
    /// barcode on another of the merchant's products, is a field error; nothing is stored then.
    async fn create(&self, actor: &Actor, merchant: MerchantId, product: &NewProduct, now_ms: i64) -> AppResult<()>;
    /// The next ST-UPC of the installation: each call gets a code no other call and no stored
    /// barcode has (the sequence is taken in one atomic update, so app servers never collide).
    async fn next_st_upc(&self) -> AppResult<String>;
}

/// Inventory and the warehouse floor: waves, pick, pack, ship. Every call is scoped to the
/// caller's warehouse; other warehouses' objects answer NotFound.
#[async_trait]
pub trait FloorStore: Send + Sync {
    async fn warehouse_code(&self, warehouse: WarehouseId) -> AppResult<String>;
    /// The warehouse's channels (wave filters).
    async fn channels(&self, warehouse: WarehouseId) -> AppResult<Vec<Channel>>;
    async fn stock(&self, warehouse: WarehouseId, search: &str) -> AppResult<Vec<StockRow>>;
    async fn adjust_stock(&self, warehouse: WarehouseId, actor: &Actor, adjustment: &StockAdjustment, now_ms: i64) -> AppResult<StockRow>;
    async fn movements(&self, warehouse: WarehouseId, sku: SkuId) -> AppResult<Vec<StockMovement>>;
    /// Submitted, unheld orders a wave with this filter would take.
    async fn wave_candidates(&self, warehouse: WarehouseId, filter: &WaveFilter) -> AppResult<Vec<OrderSummary>>;
    /// Waves the matching orders (Submitted → Waved) and lists what to pick.
    async fn create_wave(&self, warehouse: WarehouseId, actor: &Actor, filter: &WaveFilter, now_ms: i64) -> AppResult<WaveSummary>;
    async fn waves(&self, warehouse: WarehouseId) -> AppResult<Vec<WaveSummary>>;
    async fn pick_sheet(&self, warehouse: WarehouseId, wave: WaveId) -> AppResult<PickSheet>;
    /// Applies a scan command once; a replay of the same id returns the first outcome.
    async fn apply_command(&self, warehouse: WarehouseId, actor: &Actor, command: &FloorCommand, now_ms: i64) -> AppResult<CommandOutcome>;
    async fn report_short(&self, warehouse: WarehouseId, wave: WaveId, sku: SkuId, reason: &str) -> AppResult<()>;
    /// Ends picking: fully picked orders → Picked; orders hit by a short stay Waved, held.
    async fn complete_pick(&self, warehouse: WarehouseId, actor: &Actor, wave: WaveId, now_ms: i64) -> AppResult<PickResult>;
    /// A Picked order found by order number or tracking number, ready to verify.
    async fn pack_order(&self, warehouse: WarehouseId, code: &str) -> AppResult<PackOrder>;
    async fn mark_packed(&self, warehouse: WarehouseId, actor: &Actor, order: OrderId, scanned: &std::collections::BTreeMap<SkuId, i64>, weight_grams: i64, now_ms: i64) -> AppResult<()>;
    /// Parcels shipped since `since_ms`, by carrier.
    async fn manifest(&self, warehouse: WarehouseId, since_ms: i64) -> AppResult<Vec<ManifestRow>>;
}

/// Connected stores, synced platform orders, SKU mappings, dispatch and acknowledgment. Every
/// call is scoped to the caller's merchant; other merchants' objects answer NotFound.
#[async_trait]
pub trait PlatformStore: Send + Sync {
    async fn stores(&self, merchant: MerchantId) -> AppResult<Vec<StoreInfo>>;
    /// Saves a store with its token encrypted at rest.
    async fn add_store(&self, merchant: MerchantId, actor: &Actor, input: &StoreInput, now_ms: i64) -> AppResult<StoreId>;
    async fn set_auto_sync(&self, merchant: MerchantId, actor: &Actor, store: StoreId, on: bool, now_ms: i64) -> AppResult<()>;
    /// The decrypted token, for calls to the platform.
    async fn credentials(&self, merchant: MerchantId, store: StoreId) -> AppResult<StoreCredentials>;
    /// Queues a sync task; a worker runs it. Returns at once.
    async fn queue_sync(&self, merchant: MerchantId, store: StoreId, mode: &SyncMode, now_ms: i64) -> AppResult<SyncTaskId>;
    async fn sync_log(&self, merchant: MerchantId, store: Option<StoreId>) -> AppResult<Vec<SyncTask>>;
    async fn list(&self, merchant: MerchantId, query: &PlatformOrderQuery) -> AppResult<PlatformOrderPage>;
    async fn get(&self, merchant: MerchantId, id: PlatformOrderId) -> AppResult<Option<PlatformOrderDetail>>;
    /// Distinct 【Order Source Channel】 values, for the filter.
    async fn source_channels(&self, merchant: MerchantId) -> AppResult<Vec<String>>;
    async fn mappings(&self, merchant: MerchantId, store: Option<StoreId>, search: &str) -> AppResult<Vec<SkuMapping>>;
    /// Platform SKU → warehouse SKU code for one store.
    async fn mapping_table(&self, merchant: MerchantId, store: StoreId) -> AppResult<std::collections::BTreeMap<String, String>>;
    /// Insert or replace the mapping of (store, platform SKU).
    async fn save_mapping(&self, merchant: MerchantId, actor: &Actor, input: &MappingInput, now_ms: i64) -> AppResult<MappingId>;
    async fn delete_mapping(&self, merchant: MerchantId, actor: &Actor, id: MappingId, now_ms: i64) -> AppResult<()>;
    /// Records why the order could not be dispatched (shown under its status).
    async fn set_exception(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, exception: &str, now_ms: i64) -> AppResult<()>;
    /// Links a created dropship order (Submitted) to the platform order → Processing, saving
    /// the bindings as mappings, in one transaction.
    async fn link_dispatched(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, order: OrderId, bindings: &std::collections::BTreeMap<String, String>, now_ms: i64) -> AppResult<()>;
    /// The acknowledgment dialog: each line with the available stock in `warehouse`.
    async fn ack_lines(&self, merchant: MerchantId, id: PlatformOrderId, warehouse: WarehouseId) -> AppResult<Vec<AckLineView>>;
    /// Pending → Acknowledged; accepted units are reserved in the warehouse in the same
    /// transaction (guarded, so two acknowledgments can never accept more than stock).
    async fn acknowledge(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, warehouse: WarehouseId, answers: &[AckLineInput], now_ms: i64) -> AppResult<()>;
    /// B2B: takes the acknowledgment's stock reservation back (`reserved` = false, before the
    /// dispatched order allocates its own) or puts it back (true, when that submit failed).
    async fn set_reservation(&self, merchant: MerchantId, id: PlatformOrderId, actor: &Actor, reserved: bool, now_ms: i64) -> AppResult<()>;
    /// Moves the order to `to` if its status is one of `from` (conditional), clearing the exception.
    async fn set_status(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, from: &[PlatformStatus], to: PlatformStatus, now_ms: i64) -> AppResult<()>;
    /// Records a shipment written back by hand (Manual Ship / Mark Shipped).
    async fn record_shipment(&self, merchant: MerchantId, actor: Option<&Actor>, id: PlatformOrderId, shipment: &ManualShipInput, to: PlatformStatus, now_ms: i64) -> AppResult<()>;
    /// Who changed the order, mapping or store, when, before → after (oldest first).
    async fn history(&self, merchant: MerchantId, object: HistoryOf) -> AppResult<Vec<AuditEntry>>;
}

/// Merchant webhooks: endpoints, the test event, the delivery log and re-sends. Every call is
/// scoped to the caller's merchant; other merchants' endpoints and deliveries answer NotFound.
/// (Order events are queued by the stores themselves, inside the transaction of each change.)
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn endpoints(&self, merchant: MerchantId) -> AppResult<Vec<WebhookEndpoint>>;
    /// Saves a validated endpoint after the network rules (no private addresses unless the
    /// deployment allows them); answers the new signing secret, this once.
    async fn create_endpoint(&self, merchant: MerchantId, input: &WebhookEndpointInput, now_ms: i64) -> AppResult<CreatedWebhookEndpoint>;
    async fn update_endpoint(&self, merchant: MerchantId, id: WebhookEndpointId, patch: &WebhookEndpointPatch) -> AppResult<WebhookEndpoint>;
    /// Removes the endpoint with its deliveries.
    async fn delete_endpoint(&self, merchant: MerchantId, id: WebhookEndpointId) -> AppResult<()>;
    /// Queues a `ping` event to one enabled endpoint.
    async fn send_test(&self, merchant: MerchantId, id: WebhookEndpointId, now_ms: i64) -> AppResult<WebhookDeliveryId>;
    async fn deliveries(&self, merchant: MerchantId, query: &DeliveryQuery) -> AppResult<DeliveryPage>;
    /// Tries the delivery again now: one more attempt for a finished one, the next retry
    /// brought forward for a queued one. Conflict while it is being sent.
    async fn resend(&self, merchant: MerchantId, id: WebhookDeliveryId, now_ms: i64) -> AppResult<()>;
}

/// How to reach a store's platform API.
#[derive(Clone, Debug)]
pub struct StoreCredentials {
    pub store_id: StoreId,
    pub shop_domain: String,
    pub access_token: String,
}

/// A platform call that failed: `Transient` may work later (timeouts, 5xx, rate limit after
/// retries), `Permanent` will not (4xx: bad token, unknown order).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    #[error("platform unavailable: {0}")]
    Transient(String),
    #[error("platform refused: {0}")]
    Permanent(String),
}

/// Where the next page of a listing starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageCursor {
    /// First page of orders updated in [from, to).
    UpdatedBetween { from_ms: i64, to_ms: i64 },
    /// The platform's opaque cursor (Shopify `page_info`).
    Next(String),
}

/// One page of orders; an order the connector could not import is an `Err` with the reason
/// (counted as failed, the rest still go in).
#[derive(Clone, Debug)]
pub struct OrdersPage {
    pub orders: Vec<Result<ImportedOrder, String>>,
    pub next: Option<String>,
}

/// A store's e-commerce platform API (Shopify Admin REST shapes). Implemented by the HTTP
/// client in `server::shopify`, which the sandbox store answers in demo and tests.
#[async_trait]
pub trait Platform: Send + Sync {
    /// The shop's name: proves domain and token work.
    async fn test_connection(&self, store: &StoreCredentials) -> Result<String, PlatformError>;
    async fn orders_page(&self, store: &StoreCredentials, cursor: &PageCursor) -> Result<OrdersPage, PlatformError>;
    /// Orders by their numbers ("#1001"); numbers the shop does not know are left out.
    async fn orders_by_number(&self, store: &StoreCredentials, numbers: &[String]) -> Result<Vec<Result<ImportedOrder, String>>, PlatformError>;
    /// Creates a fulfillment with tracking; returns the platform's fulfillment id.
    async fn create_fulfillment(&self, store: &StoreCredentials, fulfillment: &FulfillmentRequest) -> Result<String, PlatformError>;
    async fn cancel_order(&self, store: &StoreCredentials, platform_order_id: i64) -> Result<(), PlatformError>;
    /// Tells the platform what the merchant accepted (a note on the order).
    async fn acknowledge(&self, store: &StoreCredentials, platform_order_id: i64, note: &str) -> Result<(), PlatformError>;
}

#[async_trait]
pub trait LabelStore: Send + Sync {
    /// A label the merchant uploaded earlier, if it is theirs.
    async fn find(&self, merchant: MerchantId, id: &str) -> AppResult<Option<LabelRef>>;
}

pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// Everything the server functions use, provided as Leptos context by the server.
#[derive(Clone)]
pub struct Services {
    pub orders: Arc<dyn OrderStore>,
    pub catalog: Arc<dyn CatalogStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub api_tokens: Arc<dyn ApiTokenStore>,
    pub admin: Arc<dyn AdminStore>,
    pub products: Arc<dyn ProductStore>,
    pub labels: Arc<dyn LabelStore>,
    pub floor: Arc<dyn FloorStore>,
    pub platform_orders: Arc<dyn PlatformStore>,
    pub platform: Arc<dyn Platform>,
    pub webhooks: Arc<dyn WebhookStore>,
    pub carrier: Arc<dyn Carrier>,
    pub clock: Arc<dyn Clock>,
    /// Session cookies carry `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
}

pub const SESSION_COOKIE: &str = "dropdock_session";
/// How long a session lasts after sign-in.
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;

/// The Set-Cookie value for a session: HttpOnly (no script can read it), SameSite=Lax (not
/// sent with cross-site POSTs), Secure when the site is served over HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    cookie_value(token, SESSION_TTL_MS / 1000, secure)
}

/// The Set-Cookie value that deletes the session cookie.
pub fn expired_session_cookie(secure: bool) -> String {
    cookie_value("", 0, secure)
}

fn cookie_value(token: &str, max_age_s: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

/// The client's network address as the server decided it (peer address, or the trusted
/// proxy's header), put in the request's extensions by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The session token from a request's Cookie header(s), if any.
pub fn session_token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// A carrier API (rates, labels, voids, tracking). Implemented by the HTTP client in
/// `server::carrier`, which the sandbox carrier answers in demo and tests.
#[async_trait]
pub trait Carrier: Send + Sync {
    async fn quote(&self, shipment: &ShipmentRequest) -> Result<Vec<RateQuote>, CarrierError>;
    /// Buys the label for `shipment` at its carrier + service. Idempotent per
    /// `shipment.reference`: asking twice returns the same label, never a second one.
    async fn buy_label(&self, shipment: &ShipmentRequest, format: LabelFormat) -> Result<PurchasedLabel, CarrierError>;
    async fn void_label(&self, carrier_label_id: &str) -> Result<(), CarrierError>;
    async fn track(&self, tracking_no: &str) -> Result<Vec<TrackingEvent>, CarrierError>;
}
