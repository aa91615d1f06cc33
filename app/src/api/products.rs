//! The merchant's products: list (search, sold-out filter, pages), one product, Add Product
//! and Apply ST-UPC. Any merchant user may look; creating needs `WorkOrders`. The list export
//! is a download route (`server::web`, `/api/products/export`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

#[server(endpoint = "products/list", input = Json)]
pub async fn list_products(filter: ProductFilter) -> Result<ProductPage, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    let filter = filter.validated()?;
    services()?.products.list(merchant, &filter, PRODUCTS_PAGE_SIZE).await
}

/// One product by its SKU code; another merchant's code answers 404.
#[server(endpoint = "products/get", input = Json)]
pub async fn get_product(code: String) -> Result<Product, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.products.get(merchant, code.trim()).await?.ok_or(AppError::NotFound)
}

/// Checks the form with the same `validated` the browser ran, then stores the product in
/// every warehouse the merchant may use. Answers the stored SKU code.
#[server(endpoint = "products/create", input = Json)]
pub async fn create_product(input: ProductInput) -> Result<String, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let product = input.validated()?;
    let svc = services()?;
    svc.products.create(&(&user).into(), merchant, &product, svc.clock.now_ms()).await?;
    Ok(product.code)
}

/// A fresh ST-UPC for the form (restricted circulation, unique in this installation).
#[server(endpoint = "products/st-upc", input = Json)]
pub async fn apply_st_upc() -> Result<String, AppError> {
    use crate::api::ssr::*;
    require_merchant_worker().await?;
    services()?.products.next_st_upc().await
}
