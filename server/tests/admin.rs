//! Platform administration over real HTTP, on SQLite and PostgreSQL: an admin onboards a
//! merchant with its warehouse, business type, channels and SKUs, and that merchant's new user
//! sees exactly that catalog; role changes, disabling and password resets end sessions;
//! duplicates and bad input are field errors; every change is in the object's history; and no
//! one but a platform admin gets in.

mod common;

use app::domain::*;
use common::{Backend, Client, Reply, TestApp};
use serde_json::{json, Value};
use sqlx::Row;

const ADMIN: &str = "admin@demo.test";
const ADMIN_NAME: &str = "Ada Admin";
const CLERK: &str = "clerk@demo.test";
const PICKER: &str = "picker@demo.test";

/// Signs in with any password; the client keeps the session cookie.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Value, Client) {
    let client = app.browser();
    let res = client.http.post(client.url("/api/auth/login")).form(&[("email", email), ("password", password)]).send().await.expect("login");
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body, client)
}

async fn id_of(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

/// The first message of a field in a 422 answer.
fn field_error(reply: &Reply, field: &str) -> String {
    reply.validation().get(field).and_then(|m| m[0].as_str()).unwrap_or_else(|| panic!("no error on {field}: {}", reply.body)).to_string()
}

async fn history(admin: &Client, object: AdminObject) -> Vec<AuditEntry> {
    admin.call("admin/history", json!({ "object": object })).await.ok()
}

fn change_of(entry: &AuditEntry, field: &str) -> (String, String) {
    let c = entry.changes().into_iter().find(|c| c.field == field).unwrap_or_else(|| panic!("no {field} change in {entry:?}"));
    (c.before, c.after)
}

fn dfw() -> WarehouseInput {
    WarehouseInput {
        code: "dfw1".into(),
        name: "Dallas, TX".into(),
        country: "us".into(),
        address1: "2400 Valwood Pkwy".into(),
        city: "Farmers Branch".into(),
        state: "TX".into(),
        postal_code: "75234".into(),
    }
}

async fn admin_onboards_a_merchant_and_its_user_sees_exactly_that_catalog(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.client(ADMIN).await;

    // A new tenant, no warehouses yet; its name is unique (any case).
    let initech: MerchantId = admin.call("admin/merchants/save", json!({ "id": null, "input": { "name": "Initech Supply", "warehouse_ids": [] } })).await.ok();
    let dup = admin.call("admin/merchants/save", json!({ "id": null, "input": { "name": "initech supply", "warehouse_ids": [] } })).await;
    assert_eq!(field_error(&dup, FIELD_NAME), MSG_NAME_TAKEN);

    // A warehouse; codes are unique.
    let dfw_id: WarehouseId = admin.call("admin/warehouses/save", json!({ "id": null, "input": dfw() })).await.ok();
    let dup = admin.call("admin/warehouses/save", json!({ "id": null, "input": WarehouseInput { code: "LAX1".into(), ..dfw() } })).await;
    assert_eq!(field_error(&dup, FIELD_CODE), MSG_CODE_TAKEN);
    let warehouses: Vec<Warehouse> = admin.call("admin/warehouses", json!({})).await.ok();
    let stored = warehouses.iter().find(|w| w.id == dfw_id).expect("listed");
    assert_eq!((stored.code.as_str(), stored.country.as_str(), stored.postal_code.as_str()), ("DFW1", "US", "75234"));

    // A SKU before the merchant may use the warehouse is refused.
    let sku = |code: &str, warehouse: WarehouseId| SkuInput {
        merchant_id: Some(initech),
        warehouse_id: Some(warehouse),
        code: code.into(),
        name: "Stapler, Red".into(),
        barcode: "0870000000016".into(),
        weight_grams: Some(540),
    };
    let refused = admin.call("admin/skus/save", json!({ "id": null, "input": sku("STP-RED", dfw_id) })).await;
    assert_eq!(field_error(&refused, FIELD_WAREHOUSE), "Initech Supply may not use DFW1; allow the warehouse on the Merchants page first");
    let _: MerchantId = admin.call("admin/merchants/save", json!({ "id": initech, "input": { "name": "Initech Supply", "warehouse_ids": [dfw_id] } })).await.ok();

    // A business type; codes are unique.
    let office: BusinessTypeId = admin.call("admin/business-types/save", json!({ "id": null, "input": { "code": "OFC", "name": "Office supply", "kind": "B2C" } })).await.ok();
    let dup = admin.call("admin/business-types/save", json!({ "id": null, "input": { "code": "ds", "name": "Again", "kind": "B2C" } })).await;
    assert_eq!(field_error(&dup, FIELD_CODE), MSG_CODE_TAKEN);

    // Channels: a carrier channel with signature options, a self-pickup one without; a
    // self-pickup channel with options is refused with the form's own message.
    let channel = |code: &str, options: Vec<SignatureOption>| ChannelInput {
        warehouse_id: Some(dfw_id),
        business_type_id: Some(office),
        code: code.into(),
        carrier: "UPS".into(),
        service_type: "Ground".into(),
        signature_options: options,
    };
    let ups: ChannelId = admin.call("admin/channels/save", json!({ "id": null, "input": channel("UPS_GND", vec![SignatureOption::Direct, SignatureOption::Adult]) })).await.ok();
    let refused = admin.call("admin/channels/save", json!({ "id": null, "input": channel("OWN_A", vec![SignatureOption::Adult]) })).await;
    assert_eq!(field_error(&refused, FIELD_SIGNATURE_OPTIONS), "Self-pickup channels take no signature options");
    let own: ChannelId = admin.call("admin/channels/save", json!({ "id": null, "input": channel("own_a", vec![]) })).await.ok();
    let dup = admin.call("admin/channels/save", json!({ "id": null, "input": channel("UPS_GND", vec![]) })).await;
    assert_eq!(field_error(&dup, FIELD_CODE), MSG_CODE_TAKEN);

    // SKUs: codes are unique per merchant and warehouse.
    let stapler: SkuId = admin.call("admin/skus/save", json!({ "id": null, "input": sku("STP-RED", dfw_id) })).await.ok();
    let dup = admin.call("admin/skus/save", json!({ "id": null, "input": sku("STP-RED", dfw_id) })).await;
    assert_eq!(field_error(&dup, FIELD_CODE), MSG_CODE_TAKEN);
    let listed: Vec<AdminSku> = admin.call("admin/skus", json!({ "filter": { "merchant_id": initech } })).await.ok();
    assert_eq!(listed.iter().map(|s| (s.code.as_str(), s.warehouse_code.as_str())).collect::<Vec<_>>(), vec![("STP-RED", "DFW1")]);

    // A merchant user for the new merchant signs in and sees exactly that catalog.
    let user = UserInput {
        email: "Milton@Initech.test".into(),
        display_name: "Milton Waddams".into(),
        role: Some(Role::MerchantUser),
        merchant_id: Some(initech),
        warehouse_ids: vec![],
        password: "red stapler 1999".into(),
    };
    let milton: UserId = admin.call("admin/users/save", json!({ "id": null, "input": user })).await.ok();
    let (status, role, client) = sign_in(&app, "milton@initech.test", "red stapler 1999").await;
    assert_eq!(status, 200, "{role}");
    assert_eq!(role, json!("MerchantUser"));
    let catalog: Catalog = client.call("orders/catalog", json!({})).await.ok();
    assert_eq!(catalog.warehouses.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(), vec!["DFW1"]);
    let mut channels: Vec<(ChannelId, &str, bool)> = catalog.channels.iter().map(|c| (c.id, c.code.as_str(), c.is_self_pickup())).collect();
    channels.sort();
    assert_eq!(channels, vec![(ups, "UPS_GND", false), (own, "OWN_A", true)]);
    assert_eq!(catalog.channels.iter().find(|c| c.id == ups).map(|c| c.signature_options.clone()), Some(vec![SignatureOption::Direct, SignatureOption::Adult]));
    assert_eq!(catalog.skus.iter().map(|s| (s.id, s.code.as_str(), s.weight_grams)).collect::<Vec<_>>(), vec![(stapler, "STP-RED", 540)]);
    assert!(catalog.business_types.iter().any(|b| b.id == office));
    let orders: OrderPage = client.call("orders/list", json!({ "query": {} })).await.ok();
    assert!(orders.rows.is_empty(), "a new merchant has no orders");

    // The warehouse holding its SKU stays allowed.
    let refused = admin.call("admin/merchants/save", json!({ "id": initech, "input": { "name": "Initech Supply", "warehouse_ids": [] } })).await;
    assert_eq!(field_error(&refused, FIELD_WAREHOUSES), "DFW1 still holds this merchant's SKUs, so it stays allowed");

    // A SKU keeps its merchant and warehouse; its other fields change and show in its history.
    let lax = id_of(&app, "SELECT id FROM warehouses WHERE code = 'LAX1'").await;
    let refused = admin.call("admin/skus/save", json!({ "id": stapler, "input": sku("STP-RED", lax) })).await;
    assert_eq!(field_error(&refused, FIELD_WAREHOUSE), "Initech Supply may not use LAX1; allow the warehouse on the Merchants page first");
    let _: MerchantId = admin.call("admin/merchants/save", json!({ "id": initech, "input": { "name": "Initech Supply", "warehouse_ids": [dfw_id, lax] } })).await.ok();
    let moved = admin.call("admin/skus/save", json!({ "id": stapler, "input": sku("STP-RED", lax) })).await;
    assert_eq!(field_error(&moved, FIELD_WAREHOUSE), "A SKU stays in its warehouse; add a new SKU instead");
    let _: SkuId = admin.call("admin/skus/save", json!({ "id": stapler, "input": SkuInput { weight_grams: Some(600), ..sku("STP-RED", dfw_id) } })).await.ok();
    let entries = history(&admin, AdminObject::Sku(stapler)).await;
    assert_eq!(entries.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["Created", "Updated"]);
    assert_eq!(change_of(&entries[1], "weight_grams"), ("540".into(), "600".into()));
    assert_eq!(entries[1].actor_name, ADMIN_NAME);

    // Histories of the rest, and 404 for ids that do not exist.
    let entries = history(&admin, AdminObject::Merchant(initech)).await;
    assert_eq!(entries.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["Created", "Updated", "Updated"]);
    assert_eq!(change_of(&entries[1], "warehouses"), (String::new(), "DFW1".into()));
    assert_eq!(change_of(&entries[2], "warehouses"), ("DFW1".into(), "DFW1, LAX1".into()));
    let entries = history(&admin, AdminObject::Channel(own)).await;
    assert_eq!(change_of(&entries[0], "code"), (String::new(), "OWN_A".into()));
    assert_eq!(history(&admin, AdminObject::Warehouse(dfw_id)).await.len(), 1);
    assert_eq!(history(&admin, AdminObject::BusinessType(office)).await.len(), 1);
    assert_eq!(history(&admin, AdminObject::User(milton)).await[0].action, "Created");
    for object in [AdminObject::User(9999), AdminObject::Merchant(9999), AdminObject::Warehouse(9999), AdminObject::BusinessType(9999), AdminObject::Channel(9999), AdminObject::Sku(9999)] {
        assert_eq!(admin.call("admin/history", json!({ "object": object })).await.status, 404, "{object:?}");
    }
    for (endpoint, input) in [
        ("admin/warehouses/save", json!(dfw())),
        ("admin/business-types/save", json!({ "code": "ZZ", "name": "Z", "kind": "B2B" })),
        ("admin/merchants/save", json!({ "name": "Nobody", "warehouse_ids": [] })),
    ] {
        assert_eq!(admin.call(endpoint, json!({ "id": 9999, "input": input })).await.status, 404, "{endpoint}");
    }
    app.drop_database().await;
}

/// A channel keeps its warehouse, business type and, once it has orders, its kind; its edits
/// are recorded.
async fn channels_keep_what_orders_depend_on(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.client(ADMIN).await;
    let usps = id_of(&app, "SELECT c.id FROM channels c JOIN warehouses w ON w.id = c.warehouse_id WHERE w.code = 'LAX1' AND c.code = 'USPS_GA'").await;
    let channels: Vec<Channel> = admin.call("admin/channels", json!({})).await.ok();
    let current = channels.iter().find(|c| c.id == usps).expect("listed").clone();
    let nj = id_of(&app, "SELECT id FROM warehouses WHERE code = 'NJ1'").await;
    let input = |code: &str, warehouse: WarehouseId| ChannelInput {
        warehouse_id: Some(warehouse),
        business_type_id: Some(current.business_type_id),
        code: code.into(),
        carrier: current.carrier.clone(),
        service_type: "Ground Advantage (2-5 days)".into(),
        signature_options: vec![],
    };
    let moved = admin.call("admin/channels/save", json!({ "id": usps, "input": input("USPS_GA", nj) })).await;
    assert_eq!(field_error(&moved, FIELD_WAREHOUSE), "A channel stays in its warehouse; add a new channel instead");
    // The seeded orders use USPS_GA: it cannot become a self-pickup channel.
    let flipped = admin.call("admin/channels/save", json!({ "id": usps, "input": input("USPS_A", current.warehouse_id) })).await;
    assert!(field_error(&flipped, FIELD_CODE).starts_with("This channel has orders"), "{}", flipped.body);
    let _: ChannelId = admin.call("admin/channels/save", json!({ "id": usps, "input": input("USPS_GA", current.warehouse_id) })).await.ok();
    let entries = history(&admin, AdminObject::Channel(usps)).await;
    let last = entries.last().expect("the edit");
    assert_eq!(last.action, "Updated");
    assert_eq!(change_of(last, "signature_options"), ("Direct Signature, Adult Signature".into(), String::new()));
    assert_eq!(change_of(last, "service_type").1, "Ground Advantage (2-5 days)");
    // The merchant's form sees the change at once.
    let acme = app.client("merchant@demo.test").await;
    let catalog: Catalog = acme.call("orders/catalog", json!({})).await.ok();
    assert!(catalog.channel(usps).is_some_and(|c| c.signature_options.is_empty()));
    app.drop_database().await;
}

async fn role_changes_disabling_and_resets_end_sessions(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.client(ADMIN).await;
    let me = id_of(&app, "SELECT id FROM users WHERE email = 'admin@demo.test'").await;
    let clerk_id = id_of(&app, "SELECT id FROM users WHERE email = 'clerk@demo.test'").await;
    let acme = id_of(&app, "SELECT id FROM merchants WHERE name = 'Acme Home Goods'").await;
    let users: Vec<AdminUser> = admin.call("admin/users", json!({ "filter": { "search": "CLERK@" } })).await.ok();
    assert_eq!(users.iter().map(|u| u.id).collect::<Vec<_>>(), vec![clerk_id], "search by email, any case");
    let clerk_user = users[0].clone();
    assert_eq!((clerk_user.role, clerk_user.merchant_name.as_deref()), (Role::MerchantUser, Some("Acme Home Goods")));
    let as_input = |u: &AdminUser, role: Role| UserInput {
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        role: Some(role),
        merchant_id: u.merchant_id,
        warehouse_ids: u.warehouse_ids.clone(),
        password: String::new(),
    };

    // A name change leaves the sessions alone; a role change ends them.
    let clerk = app.client(CLERK).await;
    let renamed = UserInput { display_name: "Carl J. Ortiz".into(), ..as_input(&clerk_user, Role::MerchantUser) };
    let _: UserId = admin.call("admin/users/save", json!({ "id": clerk_id, "input": renamed })).await.ok();
    assert_eq!(clerk.call("orders/list", json!({ "query": {} })).await.status, 200, "a rename signed the user out");
    assert_eq!(clerk.call("platform/stores/add", json!({ "input": { "name": "x", "shop_domain": "x.myshopify.com", "access_token": "shpat_123456", "auto_sync": false } })).await.status, 403);
    let promoted = UserInput { display_name: "Carl J. Ortiz".into(), ..as_input(&clerk_user, Role::MerchantAdmin) };
    let _: UserId = admin.call("admin/users/save", json!({ "id": clerk_id, "input": promoted })).await.ok();
    assert_eq!(clerk.call("orders/list", json!({ "query": {} })).await.status, 401, "the old session outlived the role change");
    let clerk = app.client(CLERK).await;
    let me_now: Option<CurrentUser> = clerk.call("auth/whoami", json!({})).await.ok();
    assert_eq!(me_now.map(|u| u.role), Some(Role::MerchantAdmin));
    // Who changed the role, from what to what.
    let entries = history(&admin, AdminObject::User(clerk_id)).await;
    let last = entries.last().expect("an entry");
    assert_eq!((last.actor_name.as_str(), last.action.as_str()), (ADMIN_NAME, "Updated"));
    assert_eq!(change_of(last, "role"), ("Merchant user".into(), "Merchant admin".into()));
    assert_eq!(change_of(&entries[0], "name"), ("Carl Ortiz".into(), "Carl J. Ortiz".into()));

    // A merchant user cannot be moved to the floor without warehouses, nor keep a merchant there.
    let bad = admin.call("admin/users/save", json!({ "id": clerk_id, "input": as_input(&clerk_user, Role::WarehousePicker) })).await;
    assert_eq!(field_error(&bad, FIELD_WAREHOUSES), "Please choose at least one warehouse");
    assert_eq!(field_error(&bad, FIELD_MERCHANT), "A warehouse picker does not belong to a merchant");

    // Disabling ends the sessions and blocks sign-in with a clear message; enabling undoes it.
    let _: () = admin.call("admin/users/set-disabled", json!({ "id": clerk_id, "disabled": true })).await.ok();
    assert_eq!(clerk.call("orders/list", json!({ "query": {} })).await.status, 401);
    let (status, body, _) = sign_in(&app, CLERK, "demo1234").await;
    assert_eq!((status, body["Conflict"].as_str()), (409, Some("This account is disabled; ask your administrator")));
    let again = admin.call("admin/users/set-disabled", json!({ "id": clerk_id, "disabled": true })).await;
    assert_eq!(again.conflict(), "This account is already disabled");
    let listed: Vec<AdminUser> = admin.call("admin/users", json!({ "filter": { "search": "clerk" } })).await.ok();
    assert!(listed[0].is_disabled());
    let _: () = admin.call("admin/users/set-disabled", json!({ "id": clerk_id, "disabled": false })).await.ok();
    assert_eq!(sign_in(&app, CLERK, "demo1234").await.0, 200);
    let actions: Vec<String> = history(&admin, AdminObject::User(clerk_id)).await.into_iter().map(|e| e.action).collect();
    assert_eq!(actions[actions.len() - 2..], ["Disabled".to_string(), "Enabled".to_string()]);

    // An admin cannot lock themself out.
    let refused = admin.call("admin/users/set-disabled", json!({ "id": me, "disabled": true })).await;
    assert_eq!(refused.conflict(), MSG_CANNOT_DISABLE_SELF);
    let me_user: AdminUser = {
        let list: Vec<AdminUser> = admin.call("admin/users", json!({ "filter": { "role": "PlatformAdmin" } })).await.ok();
        list.into_iter().find(|u| u.id == me).expect("me in the list")
    };
    let demoted = admin.call("admin/users/save", json!({ "id": me, "input": as_input(&me_user, Role::MerchantAdmin) })).await;
    // Validation of the input itself comes first (a merchant admin needs a merchant) …
    assert_eq!(field_error(&demoted, FIELD_MERCHANT), "Please choose the merchant this user works for");
    let demoted = admin.call("admin/users/save", json!({ "id": me, "input": UserInput { merchant_id: Some(acme), ..as_input(&me_user, Role::MerchantAdmin) } })).await;
    assert_eq!(field_error(&demoted, FIELD_ROLE), MSG_CANNOT_CHANGE_OWN_ROLE);
    assert_eq!(admin.call("admin/users/reset-password", json!({ "id": me, "new_password": "a brand new password" })).await.conflict(), MSG_RESET_OWN_PASSWORD);
    assert_eq!(admin.call("admin/users", json!({ "filter": {} })).await.status, 200, "the admin is still an admin");

    // A password reset: validated, ends sessions, lifts a sign-in lock, keeps hashes out of the log.
    let picker_id = id_of(&app, "SELECT id FROM users WHERE email = 'picker@demo.test'").await;
    let picker = app.client(PICKER).await;
    for _ in 0..MAX_FAILED_SIGN_INS_PER_ACCOUNT {
        assert_eq!(sign_in(&app, PICKER, "wrong password").await.0, 409);
    }
    assert_eq!(sign_in(&app, PICKER, "demo1234").await.0, 429, "the account is locked");
    let weak = admin.call("admin/users/reset-password", json!({ "id": picker_id, "new_password": "short" })).await;
    assert!(field_error(&weak, FIELD_NEW_PASSWORD).contains("at least"));
    let _: () = admin.call("admin/users/reset-password", json!({ "id": picker_id, "new_password": "pick pack ship 42" })).await.ok();
    assert_eq!(picker.call("floor/context", json!({})).await.status, 401, "the old session outlived the reset");
    assert_eq!(sign_in(&app, PICKER, "demo1234").await.0, 409);
    assert_eq!(sign_in(&app, PICKER, "pick pack ship 42").await.0, 200, "the reset lifts the lock");
    let last = history(&admin, AdminObject::User(picker_id)).await.pop().expect("reset recorded");
    assert_eq!((last.action.as_str(), change_of(&last, "password").1.as_str()), ("Password reset", "reset"));
    let hashes: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE before_json LIKE '%argon2%' OR after_json LIKE '%argon2%'").fetch_one(&app.db.pool).await.expect("count").get(0);
    assert_eq!(hashes, 0, "a password hash reached the audit log");
    assert_eq!(admin.call("admin/users/reset-password", json!({ "id": 9999, "new_password": "a brand new password" })).await.status, 404);

    // Moving a floor user to another warehouse signs them out; they then work there.
    let picker_user: AdminUser = admin.call("admin/users", json!({ "filter": { "search": "picker@" } })).await.ok::<Vec<AdminUser>>().remove(0);
    let (_, _, picker) = sign_in(&app, PICKER, "pick pack ship 42").await;
    let nj = id_of(&app, "SELECT id FROM warehouses WHERE code = 'NJ1'").await;
    let moved = UserInput { warehouse_ids: vec![nj], ..as_input(&picker_user, Role::WarehousePicker) };
    let _: UserId = admin.call("admin/users/save", json!({ "id": picker_id, "input": moved })).await.ok();
    assert_eq!(picker.call("floor/context", json!({})).await.status, 401);
    let (_, _, picker) = sign_in(&app, PICKER, "pick pack ship 42").await;
    let context: Value = picker.call("floor/context", json!({})).await.ok();
    assert_eq!(context["current"].as_i64(), Some(nj), "{context}");
    let codes: Vec<&str> = context["warehouses"].as_array().expect("warehouses").iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, vec!["NJ1"]);
    app.drop_database().await;
}

async fn duplicates_and_bad_input_are_field_errors(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.client(ADMIN).await;
    let users_before: i64 = id_of(&app, "SELECT COUNT(*) FROM users").await;
    let acme = id_of(&app, "SELECT id FROM merchants WHERE name = 'Acme Home Goods'").await;
    let user = |email: &str| UserInput {
        email: email.into(),
        display_name: "Someone".into(),
        role: Some(Role::MerchantUser),
        merchant_id: Some(acme),
        warehouse_ids: vec![],
        password: "a long enough password".into(),
    };
    for taken in ["merchant@demo.test", " Merchant@Demo.TEST "] {
        let reply = admin.call("admin/users/save", json!({ "id": null, "input": user(taken) })).await;
        assert_eq!(field_error(&reply, FIELD_EMAIL), MSG_EMAIL_TAKEN, "{taken}");
    }
    // An edit into someone else's email is refused the same way.
    let clerk_id = id_of(&app, "SELECT id FROM users WHERE email = 'clerk@demo.test'").await;
    let reply = admin.call("admin/users/save", json!({ "id": clerk_id, "input": user("merchant@demo.test") })).await;
    assert_eq!(field_error(&reply, FIELD_EMAIL), MSG_EMAIL_TAKEN);

    // The server answers exactly what the form's domain function says.
    let refs: AdminRefs = admin.call("admin/refs", json!({})).await.ok();
    let bad_inputs: Vec<(&str, Value, ValidationErrors)> = vec![
        {
            let input = UserInput { email: "not-an-email".into(), display_name: String::new(), role: Some(Role::WarehouseLead), merchant_id: Some(acme), warehouse_ids: vec![], password: "x".into() };
            ("admin/users/save", json!(input), input.validated(true, &refs).expect_err("invalid"))
        },
        {
            let input = WarehouseInput { code: "x".into(), country: "USA".into(), ..Default::default() };
            ("admin/warehouses/save", json!(input), input.validated().expect_err("invalid"))
        },
        {
            let input = ChannelInput { code: "BAD CODE_A".into(), signature_options: vec![SignatureOption::Direct], ..Default::default() };
            ("admin/channels/save", json!(input), input.validated(&refs).expect_err("invalid"))
        },
        {
            let input = SkuInput { merchant_id: Some(acme), warehouse_id: Some(9999), barcode: "12ab".into(), weight_grams: Some(0), ..Default::default() };
            ("admin/skus/save", json!(input), input.validated(&refs).expect_err("invalid"))
        },
        {
            let input = BusinessTypeInput::default();
            ("admin/business-types/save", json!(input), input.validated().expect_err("invalid"))
        },
        {
            let input = MerchantInput { name: " ".into(), warehouse_ids: vec![4242] };
            ("admin/merchants/save", json!(input), input.validated(&refs).expect_err("invalid"))
        },
    ];
    for (endpoint, input, expected) in bad_inputs {
        let reply = admin.call(endpoint, json!({ "id": null, "input": input })).await;
        let fields: ValidationErrors = serde_json::from_value(reply.body["Validation"].clone()).unwrap_or_else(|_| panic!("{endpoint}: {}", reply.body));
        assert_eq!(fields, expected, "{endpoint}");
    }
    assert_eq!(admin.call("admin/users", json!({ "filter": { "search": "x".repeat(101) } })).await.status, 422);
    assert_eq!(admin.call("admin/skus", json!({ "filter": { "search": "%' OR '1'='1" } })).await.ok::<Vec<AdminSku>>().len(), 0);
    assert_eq!(id_of(&app, "SELECT COUNT(*) FROM users").await, users_before, "a refused user was stored");
    app.drop_database().await;
}

/// Every admin function: 401 for nobody, 403 for merchant and warehouse staff, nothing written.
async fn only_platform_admins_get_in(backend: Backend) {
    let app = TestApp::start(backend).await;
    let clerk_id = id_of(&app, "SELECT id FROM users WHERE email = 'clerk@demo.test'").await;
    let calls: Vec<(&str, Value)> = vec![
        ("admin/refs", json!({})),
        ("admin/users", json!({ "filter": {} })),
        ("admin/users/save", json!({ "id": clerk_id, "input": { "email": "clerk@demo.test", "display_name": "Carl", "role": "PlatformAdmin" } })),
        ("admin/users/set-disabled", json!({ "id": clerk_id, "disabled": true })),
        ("admin/users/reset-password", json!({ "id": clerk_id, "new_password": "a taken over account" })),
        ("admin/merchants", json!({})),
        ("admin/merchants/save", json!({ "id": null, "input": { "name": "Sneaky", "warehouse_ids": [] } })),
        ("admin/warehouses", json!({})),
        ("admin/warehouses/save", json!({ "id": null, "input": dfw() })),
        ("admin/business-types", json!({})),
        ("admin/business-types/save", json!({ "id": null, "input": { "code": "ZZ", "name": "Z", "kind": "B2B" } })),
        ("admin/channels", json!({})),
        ("admin/channels/save", json!({ "id": null, "input": { "warehouse_id": 1, "business_type_id": 1, "code": "ZZ_Z", "carrier": "Z", "service_type": "Z" } })),
        ("admin/skus", json!({ "filter": {} })),
        ("admin/skus/save", json!({ "id": null, "input": { "merchant_id": 1, "warehouse_id": 1, "code": "Z", "name": "Z", "barcode": "12345670", "weight_grams": 5 } })),
        ("admin/history", json!({ "object": AdminObject::User(clerk_id) })),
    ];
    let count = |sql: &'static str| {
        let pool = app.db.pool.clone();
        async move { sqlx::query(sql).fetch_one(&pool).await.expect("count").get::<i64, _>(0) }
    };
    let fingerprint = || async {
        vec![
            count("SELECT COUNT(*) FROM audit_log").await,
            count("SELECT COUNT(*) FROM merchants").await,
            count("SELECT COUNT(*) FROM warehouses").await,
            count("SELECT COUNT(*) FROM channels").await,
            count("SELECT COUNT(*) FROM skus").await,
            count("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL OR role = 'platform_admin'").await,
        ]
    };
    let before = fingerprint().await;
    let mut callers = vec![("nobody", 401, app.anonymous())];
    for email in ["merchant@demo.test", CLERK, "globex@demo.test", "warehouse@demo.test", PICKER] {
        callers.push((email, 403, app.client(email).await));
    }
    for (endpoint, args) in &calls {
        for (who, expected, client) in &callers {
            let reply = client.call(endpoint, args.clone()).await;
            assert_eq!(reply.status, *expected, "{who} calling {endpoint}: {}", reply.body);
        }
    }
    assert_eq!(fingerprint().await, before, "a refused admin call changed data");
    // The pages are the admin's too.
    let clerk = app.client(CLERK).await;
    let res = clerk.http.get(clerk.url("/admin/users")).send().await.expect("page");
    assert!(res.url().path().ends_with("/orders"), "a merchant user reached {}", res.url());
    let admin = app.client(ADMIN).await;
    let res = admin.http.get(admin.url("/")).send().await.expect("page");
    assert_eq!(res.url().path(), "/admin/users", "a platform admin's home");
    let res = admin.http.get(admin.url("/admin")).send().await.expect("page");
    assert_eq!(res.url().path(), "/admin/users");
    let res = admin.http.get(admin.url("/orders")).send().await.expect("page");
    assert_eq!(res.url().path(), "/admin/users", "an admin does not work merchant pages");
    let res = admin.http.get(admin.url("/admin/channels")).send().await.expect("page");
    assert_eq!(res.url().path(), "/admin/channels");
    let html = res.text().await.expect("html");
    assert!(html.contains("Self-pickup"), "the channels page lists self-pickup channels");
    app.drop_database().await;
}

on_both_backends!(
    admin_onboards_a_merchant_and_its_user_sees_exactly_that_catalog,
    channels_keep_what_orders_depend_on,
    role_changes_disabling_and_resets_end_sessions,
    duplicates_and_bad_input_are_field_errors,
    only_platform_admins_get_in,
);
