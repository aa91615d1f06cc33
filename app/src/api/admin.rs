//! Platform administration: users, merchants, warehouses, business types, channels, SKUs and
//! their history. Platform admins only (`Permission::Administer`, checked first in every
//! function); the objects are platform-level, so they are not scoped to a tenant. Inputs run
//! the same `validated` the admin pages ran, against the reference data as stored now.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

/// Merchants (with their warehouses), warehouses and business types: what the admin forms
/// choose from and are checked against.
#[server(endpoint = "admin/refs", input = Json)]
pub async fn load_admin_refs() -> Result<AdminRefs, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    services()?.admin.refs().await
}

#[server(endpoint = "admin/users", input = Json)]
pub async fn list_users(filter: UserFilter) -> Result<Vec<AdminUser>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    validate_search(&filter.search)?;
    services()?.admin.users(&filter).await
}

/// Creates a user (`id` None; `input.password` is their first password) or updates one. An
/// admin keeps their own role. Changing someone's role, merchant or warehouses signs them out.
#[server(endpoint = "admin/users/save", input = Json)]
pub async fn save_user(id: Option<UserId>, input: UserInput) -> Result<UserId, AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    let svc = services()?;
    let input = input.validated(id.is_none(), &svc.admin.refs().await?)?;
    if let Some(id) = id {
        check_own_role(admin.id, id, input.role)?;
    }
    svc.admin.save_user(&(&admin).into(), id, &input, svc.clock.now_ms()).await
}

/// Disables (ends every session; sign-in then says the account is disabled) or enables a user.
#[server(endpoint = "admin/users/set-disabled", input = Json)]
pub async fn set_user_disabled(id: UserId, disabled: bool) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    check_disable(admin.id, id, disabled).map_err(|m| AppError::Conflict(m.into()))?;
    let svc = services()?;
    svc.admin.set_user_disabled(&(&admin).into(), id, disabled, svc.clock.now_ms()).await
}

/// Sets a new password for someone else (they are signed out everywhere, and a sign-in lock
/// on the account is lifted).
#[server(endpoint = "admin/users/reset-password", input = Json)]
pub async fn reset_user_password(id: UserId, new_password: String) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    check_password_reset(admin.id, id).map_err(|m| AppError::Conflict(m.into()))?;
    let svc = services()?;
    let user = svc.admin.user(id).await?.ok_or(AppError::NotFound)?;
    validate_new_password(&user.email, &new_password)?;
    svc.admin.reset_password(&(&admin).into(), id, &new_password, svc.clock.now_ms()).await
}

#[server(endpoint = "admin/merchants", input = Json)]
pub async fn list_merchants() -> Result<Vec<Merchant>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    Ok(services()?.admin.refs().await?.merchants)
}

/// Onboards a merchant (tenant) or renames one, and sets the warehouses it may use.
#[server(endpoint = "admin/merchants/save", input = Json)]
pub async fn save_merchant(id: Option<MerchantId>, input: MerchantInput) -> Result<MerchantId, AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    let svc = services()?;
    let input = input.validated(&svc.admin.refs().await?)?;
    svc.admin.save_merchant(&(&admin).into(), id, &input, svc.clock.now_ms()).await
}

#[server(endpoint = "admin/warehouses", input = Json)]
pub async fn list_warehouses() -> Result<Vec<Warehouse>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    Ok(services()?.admin.refs().await?.warehouses)
}

#[server(endpoint = "admin/warehouses/save", input = Json)]
pub async fn save_warehouse(id: Option<WarehouseId>, input: WarehouseInput) -> Result<WarehouseId, AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    let input = input.validated()?;
    let svc = services()?;
    svc.admin.save_warehouse(&(&admin).into(), id, &input, svc.clock.now_ms()).await
}

#[server(endpoint = "admin/business-types", input = Json)]
pub async fn list_business_types() -> Result<Vec<BusinessType>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    Ok(services()?.admin.refs().await?.business_types)
}

#[server(endpoint = "admin/business-types/save", input = Json)]
pub async fn save_business_type(id: Option<BusinessTypeId>, input: BusinessTypeInput) -> Result<BusinessTypeId, AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    let input = input.validated()?;
    let svc = services()?;
    svc.admin.save_business_type(&(&admin).into(), id, &input, svc.clock.now_ms()).await
}

#[server(endpoint = "admin/channels", input = Json)]
pub async fn list_channels() -> Result<Vec<Channel>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    services()?.admin.channels().await
}

/// Creates or updates a channel; self-pickup channels (code ending in `_A`) take no signature
/// options.
#[server(endpoint = "admin/channels/save", input = Json)]
pub async fn save_channel(id: Option<ChannelId>, input: ChannelInput) -> Result<ChannelId, AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    let svc = services()?;
    let input = input.validated(&svc.admin.refs().await?)?;
    svc.admin.save_channel(&(&admin).into(), id, &input, svc.clock.now_ms()).await
}

#[server(endpoint = "admin/skus", input = Json)]
pub async fn list_skus(filter: SkuFilter) -> Result<Vec<AdminSku>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    validate_search(&filter.search)?;
    services()?.admin.skus(&filter).await
}

/// Creates or updates a SKU; its merchant must be allowed at its warehouse.
#[server(endpoint = "admin/skus/save", input = Json)]
pub async fn save_sku(id: Option<SkuId>, input: SkuInput) -> Result<SkuId, AppError> {
    use crate::api::ssr::*;
    let admin = require(Permission::Administer).await?;
    let svc = services()?;
    let input = input.validated(&svc.admin.refs().await?)?;
    svc.admin.save_sku(&(&admin).into(), id, &input, svc.clock.now_ms()).await
}

/// Who changed the object, when, before → after (oldest first). Unknown ids answer 404.
#[server(endpoint = "admin/history", input = Json)]
pub async fn admin_history(object: AdminObject) -> Result<Vec<AuditEntry>, AppError> {
    use crate::api::ssr::*;
    require(Permission::Administer).await?;
    services()?.admin.history(object).await
}
