//! 【Products】: the merchant's SKUs with stock per warehouse (`/products`), one product with
//! its declared and measured sizes (`/products/:code`), and 【Add Product】 (`/products/new`)
//! with 【Apply ST-UPC】. The form runs `ProductInput::validated`, as the server does.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::encode_query_value;
use crate::api::products::{apply_st_upc, create_product, get_product, list_products};
use crate::components::*;
use crate::domain::*;

/// The list URL (or, with `export`, the download URL) for a search / filter / page.
fn products_href(base: &str, filter: &ProductFilter, extra: Option<&str>) -> String {
    let mut params: Vec<String> = extra.map(String::from).into_iter().collect();
    if !filter.search.is_empty() {
        params.push(format!("q={}", encode_query_value(&filter.search)));
    }
    if filter.sold_out {
        params.push("sold_out=1".into());
    }
    if filter.page > 1 {
        params.push(format!("page={}", filter.page));
    }
    if params.is_empty() { base.into() } else { format!("{base}?{}", params.join("&")) }
}

#[component]
pub fn ProductListPage() -> impl IntoView {
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        params.with(|p| ProductFilter {
            search: p.get("q").unwrap_or_default(),
            sold_out: p.get("sold_out").is_some_and(|v| v == "1"),
            page: p.get("page").and_then(|v| v.parse().ok()).unwrap_or(1),
        })
    });
    let added = Memo::new(move |_| params.with(|p| p.get("added")));
    let page = Resource::new(move || filter.get(), list_products);
    let export = move |format: &str| {
        let f = ProductFilter { page: 1, ..filter.get() };
        products_href("/api/products/export", &f, Some(&format!("format={format}")))
    };
    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Products"</h1>
                <div class="head-actions">
                    <a class="btn" href=move || export("csv") download="products.csv">"Export CSV"</a>
                    <a class="btn" href=move || export("xlsx") download="products.xlsx">"Export XLSX"</a>
                    <a class="btn btn-primary" href="/products/new">"+ Add Product"</a>
                </div>
            </div>
            {move || added.get().map(|code| view! {
                <Notice kind="success">{MSG_ADDED}" — "<a href=format!("/products/{}", encode_query_value(&code))>{code.clone()}</a>" is in your warehouses' catalog."</Notice>
            })}
            <nav class="tabs" aria-label="Product filter">
                <a class="tab" class:active=move || !filter.get().sold_out href=move || products_href("/products", &ProductFilter { sold_out: false, page: 1, ..filter.get() }, None)>"All"</a>
                <a class="tab" class:active=move || filter.get().sold_out href=move || products_href("/products", &ProductFilter { sold_out: true, page: 1, ..filter.get() }, None)>"Sold Out"</a>
            </nav>
            <Form method="GET" action="/products" attr:class="searchbar">
                {move || filter.get().sold_out.then(|| view! { <input type="hidden" name="sold_out" value="1"/> })}
                <input type="search" name="q" maxlength="100" aria-label="Search products" placeholder="SKU code, name or UPC"
                    prop:value=move || filter.get().search/>
                <button class="btn" type="submit">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <p class="muted">"Loading products…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => load_error(&e),
                    Ok(p) => view! { <ProductTable page=p filter=filter.get_untracked()/> }.into_any(),
                })}
            </Transition>
        </MerchantLayout>
    }
}

#[component]
fn ProductTable(page: ProductPage, filter: ProductFilter) -> impl IntoView {
    if page.products.is_empty() {
        let text = if filter.sold_out {
            "Nothing is sold out."
        } else if filter.search.is_empty() {
            "No products yet."
        } else {
            "No products match your search."
        };
        return view! { <div class="empty card" data-empty="">{text}" "<a href="/products/new">"Add a product"</a></div> }.into_any();
    }
    let count = page.page_count();
    let warehouses = page.warehouses.clone();
    let heads = warehouses.iter().map(|w| view! { <th class="num">{w.clone()}</th> }).collect_view();
    let rows = page
        .products
        .iter()
        .map(|p| {
            let href = format!("/products/{}", encode_query_value(&p.code));
            let stock = warehouses
                .iter()
                .map(|w| {
                    let s = p.stock.iter().find(|s| &s.warehouse_code == w).cloned();
                    let sold_out = s.as_ref().is_some_and(WarehouseStock::sold_out);
                    let text = s.as_ref().map(|s| s.available().to_string()).unwrap_or_else(|| "—".into());
                    view! {
                        <td data-label=format!("Available {w}") class="num" class:sold-out=sold_out>
                            {text}{sold_out.then(|| view! { <span class="badge badge-sold-out">"Sold out"</span> })}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-sku=p.code.clone()>
                    <td data-label="SKU" class="mono strong"><a href=href.clone()>{p.code.clone()}</a></td>
                    <td data-label="Name">{p.name.clone()}</td>
                    <td data-label="UPC" class="mono"><BarcodeText barcode=p.barcode.clone()/></td>
                    <td data-label="Size" class="nowrap hide-phone">{format_dimensions(&p.effective())}</td>
                    {stock}
                    <td class="actions"><div class="row-actions"><a class="btn btn-small" href=href>"View"</a></div></td>
                </tr>
            }
        })
        .collect_view();
    let link = |n: u32| products_href("/products", &ProductFilter { page: n, ..filter.clone() }, None);
    let prev = (page.page > 1).then(|| link(page.page - 1));
    let next = (page.page < count).then(|| link(page.page + 1));
    view! {
        <div class="card table-wrap">
            <table class="grid products stack-phone">
                <thead><tr><th>"SKU"</th><th>"Name"</th><th>"UPC"</th><th>"Size"</th>{heads}<th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="pager">
            {match prev { Some(h) => view! { <a class="btn" href=h>"← Previous"</a> }.into_any(), None => view! { <span class="btn disabled">"← Previous"</span> }.into_any() }}
            <span class="muted">{format!("Page {} of {count} · {} products", page.page, page.total)}</span>
            {match next { Some(h) => view! { <a class="btn" href=h>"Next →"</a> }.into_any(), None => view! { <span class="btn disabled">"Next →"</span> }.into_any() }}
        </div>
    }
    .into_any()
}

/// A barcode, marked when it is one of this installation's restricted ST-UPCs.
#[component]
fn BarcodeText(barcode: String) -> impl IntoView {
    if barcode.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    let st = is_st_upc(&barcode);
    view! { {barcode}{st.then(|| view! { <span class="badge badge-st-upc" title=MSG_ST_UPC_NOTICE>"ST-UPC"</span> })} }.into_any()
}

#[component]
pub fn ProductDetailPage() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default()));
    let product = Resource::new(move || code.get(), get_product);
    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>{move || code.get()}</h1>
                <a class="btn" href="/products">"Return to List Page"</a>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading product…"</p> }>
                {move || product.get().map(|r| match r {
                    Err(e) => load_error(&e),
                    Ok(p) => view! { <ProductCard product=p/> }.into_any(),
                })}
            </Suspense>
        </MerchantLayout>
    }
}

#[component]
fn ProductCard(product: Product) -> impl IntoView {
    let p = product;
    let measured = p.measured.as_ref().map(format_dimensions).unwrap_or_else(|| "Not measured yet".into());
    let stock = p
        .stock
        .iter()
        .map(|s| {
            view! {
                <tr data-warehouse=s.warehouse_code.clone()>
                    <td data-label="Warehouse" class="mono">{s.warehouse_code.clone()}</td>
                    <td data-label="On hand" class="num">{s.on_hand}</td>
                    <td data-label="Allocated" class="num">{s.allocated}</td>
                    <td data-label="Available" class="num" class:sold-out=s.sold_out()>{s.available()}</td>
                    <td data-label="Damaged" class="num">{s.damaged}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card detail">
            <h2>{p.name.clone()}</h2>
            <dl class="facts">
                <dt>"UPC"</dt><dd class="mono"><BarcodeText barcode=p.barcode.clone()/></dd>
                <dt>"Declared size"</dt><dd data-fact="declared">{format_dimensions(&p.declared)}</dd>
                <dt>"Measured by the warehouse"</dt><dd data-fact="measured">{measured}</dd>
                <dt>"Used for billing and quotes"</dt><dd data-fact="effective">{format_dimensions(&p.effective())}</dd>
                <dt>"Declared value"</dt><dd>{format_money(p.declared_value_minor, &p.currency)}" per unit"</dd>
                <dt>"HS code"</dt><dd class="mono">{if p.hs_code.is_empty() { "—".to_string() } else { p.hs_code.clone() }}</dd>
                <dt>"Origin"</dt><dd>{if p.origin_country.is_empty() { "—".to_string() } else { p.origin_country.clone() }}</dd>
            </dl>
            <p class="hint">"The warehouse measures products when it receives them; its measurement wins over the declared one."</p>
        </div>
        <div class="card table-wrap">
            <table class="grid product-stock stack-phone">
                <thead><tr><th>"Warehouse"</th><th class="num">"On hand"</th><th class="num">"Allocated"</th><th class="num">"Available"</th><th class="num">"Damaged"</th></tr></thead>
                <tbody>{stock}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ProductCreatePage() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let barcode = RwSignal::new(String::new());
    let length = RwSignal::new(String::new());
    let width = RwSignal::new(String::new());
    let height = RwSignal::new(String::new());
    let weight = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let currency = RwSignal::new("USD".to_string());
    let hs_code = RwSignal::new(String::new());
    let origin = RwSignal::new(String::new());
    let number = |s: RwSignal<String>| s.get().trim().parse::<i64>().ok();
    let input = move || ProductInput {
        code: code.get(),
        name: name.get(),
        barcode: barcode.get(),
        length_mm: number(length),
        width_mm: number(width),
        height_mm: number(height),
        weight_grams: number(weight),
        declared_value: value.get(),
        currency: currency.get(),
        hs_code: hs_code.get(),
        origin_country: origin.get(),
    };
    let state = FormState::new(move || input().validated());
    let errors = state.errors();
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        state.submit(input().validated().map(|_| input()), create_product, move |code: String| {
            navigate(&format!("/products?added={}", encode_query_value(&code)), Default::default());
        });
    };
    // Apply ST-UPC: the server hands out the next code; the notice says where it is valid.
    let st_upc_busy = RwSignal::new(false);
    let st_upc_error = RwSignal::new(None::<String>);
    let applied = Memo::new(move |_| is_st_upc(barcode.get().trim()));
    let apply = move |_| {
        st_upc_busy.set(true);
        st_upc_error.set(None);
        leptos::task::spawn_local(async move {
            match apply_st_upc().await {
                Ok(upc) => barcode.set(upc),
                Err(e) => st_upc_error.set(Some(error_text(&e))),
            }
            st_upc_busy.set(false);
        });
    };
    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Add Product"</h1>
                <a class="btn" href="/products">"Return to List Page"</a>
            </div>
            <form class="card product-form" novalidate=true on:submit=submit>
                <fieldset>
                    <legend>"Product"</legend>
                    <div class="fields two">
                        <TextField id="product-code" label="SKU code" value=code errors=errors field=FIELD_CODE required=true maxlength=40u32
                            placeholder="MUG-STN-12" hint="Your own code, or the UPC below if you have none."/>
                        <TextField id="product-name" label="Product name" value=name errors=errors field=FIELD_NAME required=true maxlength=200u32/>
                    </div>
                    <div class="field">
                        <label for="product-barcode">"Barcode / UPC"</label>
                        <div class="input-with-button">
                            <input id="product-barcode" type="text" inputmode="numeric" maxlength="14" autocomplete="off" placeholder="036000291452"
                                aria-invalid=move || errors.with(|e| e.first(FIELD_BARCODE).is_some()).then_some("true")
                                prop:value=move || barcode.get() on:input=move |ev| barcode.set(event_target_value(&ev))/>
                            <button type="button" class="btn" on:click=apply disabled=move || st_upc_busy.get()>"Apply ST-UPC"</button>
                        </div>
                        <p class="hint">"UPC-A, EAN-13, EAN-8 or GTIN-14, checked by its check digit. Optional."</p>
                        {move || applied.get().then(|| view! {
                            <div class="notice notice-warn" role="status">
                                {MSG_ST_UPC_NOTICE}
                                {move || code.get().trim().is_empty().then(|| view! {
                                    " "<button type="button" class="btn btn-small" on:click=move |_| code.set(barcode.get_untracked())>"Use as SKU code"</button>
                                })}
                            </div>
                        })}
                        {move || st_upc_error.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
                        <FieldError errors=errors field=FIELD_BARCODE/>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>"Declared size and weight"</legend>
                    <div class="fields four">
                        <TextField id="product-length" label="Length (mm)" value=length errors=errors field=FIELD_LENGTH required=true inputmode="numeric" maxlength=4u32/>
                        <TextField id="product-width" label="Width (mm)" value=width errors=errors field=FIELD_WIDTH required=true inputmode="numeric" maxlength=4u32/>
                        <TextField id="product-height" label="Height (mm)" value=height errors=errors field=FIELD_HEIGHT required=true inputmode="numeric" maxlength=4u32/>
                        <TextField id="product-weight" label="Weight (g)" value=weight errors=errors field=FIELD_WEIGHT required=true inputmode="numeric" maxlength=5u32/>
                    </div>
                    <p class="hint">"The warehouse measures it at receiving; its measurement is used for billing and rate quotes."</p>
                </fieldset>
                <fieldset>
                    <legend>"Customs"</legend>
                    <div class="fields four">
                        <TextField id="product-value" label="Declared value per unit" value=value errors=errors field=FIELD_DECLARED_VALUE required=true inputmode="decimal" maxlength=12u32 placeholder="6.50"/>
                        <div class="field">
                            <label for="product-currency">"Currency"</label>
                            <select id="product-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                                {PRODUCT_CURRENCIES.iter().map(|c| view! { <option value=*c selected=move || currency.get() == *c>{*c}</option> }).collect_view()}
                            </select>
                            <FieldError errors=errors field=FIELD_CURRENCY/>
                        </div>
                        <TextField id="product-hs" label="HS code" value=hs_code errors=errors field=FIELD_HS_CODE maxlength=13u32 placeholder="6912.00"/>
                        <TextField id="product-origin" label="Origin country" value=origin errors=errors field=FIELD_ORIGIN maxlength=2u32 placeholder="CN" upper=true/>
                    </div>
                </fieldset>
                {state.failure_notice()}
                <div class="form-actions">
                    <a class="btn" href="/products">"Return to List Page"</a>
                    <button type="submit" class="btn btn-primary" disabled=move || state.busy().get()>
                        {move || if state.busy().get() { "Saving…" } else { "OK" }}
                    </button>
                </div>
            </form>
        </MerchantLayout>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_search_filter_and_page() {
        assert_eq!(products_href("/products", &ProductFilter::default(), None), "/products");
        let f = ProductFilter { search: "mug & co".into(), sold_out: true, page: 2 };
        assert_eq!(products_href("/products", &f, None), "/products?q=mug+%26+co&sold_out=1&page=2");
        assert_eq!(products_href("/api/products/export", &ProductFilter { page: 1, ..f }, Some("format=csv")), "/api/products/export?format=csv&q=mug+%26+co&sold_out=1");
    }
}
