//! `/admin/users`: every account with its role, tenant or warehouses and status; add, edit,
//! disable / enable, reset password, history. An admin cannot disable or demote themself
//! (the buttons are not offered; the server refuses it anyway).

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::*;
use crate::api::admin::{list_users, load_admin_refs, reset_user_password, save_user, set_user_disabled};

const USERS_PATH: &str = "/admin/users";

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(AdminUser),
    ResetPassword(AdminUser),
    SetDisabled(AdminUser, bool),
    History(AdminUser),
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let params = use_query_map();
    let role = Memo::new(move |_| params.with(|p| p.get("role").and_then(|c| Role::from_code(&c))));
    let search = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let page = PageDialogs::<OpenDialog>::new();
    let users = Resource::new(move || (role.get(), search.get(), page.refresh.get()), |(role, search, _)| list_users(UserFilter { role, search }));
    let refs: RefsResource = Resource::new(|| (), |_| load_admin_refs());
    let me = use_me();
    let my_id = Signal::derive(move || me.get().and_then(Result::ok).flatten().map(|u| u.id));
    let (close, done, on_row) = (page.closer(), page.finisher(), page.opener());

    view! {
        <AdminLayout>
            <AdminPageHead title="Users" add_label="Add user" on_add=Callback::new(move |_| page.open(OpenDialog::Add)) flash=page.flash/>
            <Form method="GET" action=USERS_PATH attr:class="searchbar">
                <label class="sr-only" for="user-role-filter">"Role"</label>
                <select id="user-role-filter" name="role" class="narrow-select">
                    <option value="" selected=move || role.get().is_none()>"All roles"</option>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.code() selected=move || role.get() == Some(r)>{r.label()}</option>
                    }).collect_view()}
                </select>
                <input type="search" name="q" maxlength="100" aria-label="Search users" placeholder="Name or email"
                    prop:value=move || search.get()/>
                <button class="btn" type="submit">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
                {move || users.get().map(|r| list_or_empty(r, "No users match.", |list| view! { <UserTable users=list my_id=my_id on_open=on_row/> }.into_any()))}
            </Transition>
            {move || page.dialog.get().map(|d| match d {
                OpenDialog::Add => with_refs(refs, close, move |r| view! { <UserDialog user=None refs=r my_id=None on_close=close on_done=done/> }.into_any()),
                OpenDialog::Edit(u) => with_refs(refs, close, move |r| view! {
                    <UserDialog user=Some(u.clone()) refs=r my_id=my_id.get_untracked() on_close=close on_done=done/>
                }.into_any()),
                OpenDialog::ResetPassword(u) => view! { <ResetPasswordDialog user=u on_close=close on_done=done/> }.into_any(),
                OpenDialog::SetDisabled(u, disable) => view! { <SetDisabledDialog user=u disable=disable on_close=close on_done=done/> }.into_any(),
                OpenDialog::History(u) => view! {
                    <HistoryDialog object=AdminObject::User(u.id) title="User history" subtitle=u.email on_close=close/>
                }.into_any(),
            })}
        </AdminLayout>
    }
}

/// Renders `body` once the reference data is there (a dialog that needs merchants or warehouses).
fn with_refs(refs: RefsResource, close: Callback<()>, body: impl Fn(AdminRefs) -> AnyView + Send + Sync + 'static) -> AnyView {
    view! {
        <Suspense fallback=|| ()>
            {move || refs.get().map(|r| match r {
                Ok(r) => body(r),
                Err(e) => view! { <Dialog title="Error" on_close=close><Notice kind="error">{error_text(&e)}</Notice></Dialog> }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

/// "Acme Home Goods", "LAX1, NJ1" or "Platform".
fn works_for(u: &AdminUser) -> String {
    match (&u.merchant_name, u.role.works_in_warehouses()) {
        (Some(m), _) => m.clone(),
        (None, true) => u.warehouse_codes.join(", "),
        (None, false) => "Platform".into(),
    }
}

/// The day the account was made ("2026-11-23"; the time is in the cell's title).
fn created(ms: i64) -> (String, String) {
    if ms > 0 {
        let full = time::format_utc_minutes(ms);
        (full.chars().take(10).collect(), full)
    } else {
        ("—".into(), String::new())
    }
}

#[component]
fn UserTable(users: Vec<AdminUser>, my_id: Signal<Option<UserId>>, on_open: Callback<OpenDialog>) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            let stored = StoredValue::new(u.clone());
            let open_with = move |make: fn(AdminUser) -> OpenDialog| move |_| on_open.run(make(stored.get_value()));
            let disabled = u.is_disabled();
            let is_me = move || my_id.get() == Some(stored.with_value(|u| u.id));
            view! {
                <tr data-user-email=u.email.clone() data-role=u.role.code() class:row-disabled=disabled>
                    <td data-label="Name" class="strong"><span class="user-name">{u.display_name.clone()}</span></td>
                    <td data-label="Email" class="email-cell">{u.email.clone()}</td>
                    <td data-label="Role"><span class=format!("badge badge-role badge-role-{}", u.role.code()) data-role-badge="">{u.role.label()}</span></td>
                    <td data-label="Works for">{works_for(&u)}</td>
                    <td data-label="Status">
                        {if disabled {
                            view! { <span class="badge badge-off" data-status="disabled">"Disabled"</span> }.into_any()
                        } else {
                            view! { <span class="badge badge-on" data-status="active">"Active"</span> }.into_any()
                        }}
                    </td>
                    <td data-label="Created" class="muted nowrap" title=created(u.created_at_ms).1>{created(u.created_at_ms).0}</td>
                    <td class="actions"><div class="row-actions">
                        <button type="button" class="btn btn-small" data-action="edit" on:click=open_with(OpenDialog::Edit)>"Edit"</button>
                        <Show when=move || !is_me()>
                            <button type="button" class="btn btn-small" data-action="reset-password" on:click=open_with(OpenDialog::ResetPassword)>"Reset password"</button>
                            {if disabled {
                                view! { <button type="button" class="btn btn-small" data-action="enable"
                                    on:click=move |_| on_open.run(OpenDialog::SetDisabled(stored.get_value(), false))>"Enable"</button> }.into_any()
                            } else {
                                view! { <button type="button" class="btn btn-small btn-warn" data-action="disable"
                                    on:click=move |_| on_open.run(OpenDialog::SetDisabled(stored.get_value(), true))>"Disable"</button> }.into_any()
                            }}
                        </Show>
                        <button type="button" class="btn btn-small" data-action="history" on:click=open_with(OpenDialog::History)>"History"</button>
                    </div></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid admin-users stack-phone">
                <thead><tr>
                    <th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Merchant / Warehouses"</th><th>"Status"</th><th>"Created"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Add (`user` None) or edit a user. The merchant and warehouse fields follow the role;
/// `UserInput::validated` (plus, for oneself, `check_own_role`) runs before anything is sent.
#[component]
fn UserDialog(user: Option<AdminUser>, refs: AdminRefs, my_id: Option<UserId>, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = user.as_ref().map(|u| u.id);
    let creating = id.is_none();
    let is_me = id.is_some() && id == my_id;
    let email = RwSignal::new(user.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let name = RwSignal::new(user.as_ref().map(|u| u.display_name.clone()).unwrap_or_default());
    let role = RwSignal::new(user.as_ref().map(|u| u.role));
    let merchant = RwSignal::new(user.as_ref().and_then(|u| u.merchant_id));
    let warehouses = RwSignal::new(user.as_ref().map(|u| u.warehouse_ids.clone()).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let original = StoredValue::new(user.clone());
    let refs = StoredValue::new(refs);

    let needs_merchant = move || role.get().is_some_and(Role::belongs_to_merchant);
    let needs_warehouses = move || role.get().is_some_and(Role::works_in_warehouses);
    // Only what the role uses is sent: a merchant for merchant roles, warehouses for floor roles.
    let input = move || {
        let r = role.get();
        UserInput {
            email: email.get(),
            display_name: name.get(),
            role: r,
            merchant_id: merchant.get().filter(|_| r.is_some_and(Role::belongs_to_merchant)),
            warehouse_ids: if r.is_some_and(Role::works_in_warehouses) { warehouses.get() } else { Vec::new() },
            password: password.get(),
        }
    };
    let check = move || {
        let input = input();
        let role = input.role;
        let mut checked = refs.with_value(|refs| input.validated(creating, refs));
        if let (Some(me), Some(target)) = (my_id, id) {
            if let Err(own) = check_own_role(me, target, role) {
                let mut all = checked.err().unwrap_or_default();
                all.add(FIELD_ROLE, own.first(FIELD_ROLE).unwrap_or_default());
                checked = Err(all);
            }
        }
        checked
    };
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        let input = input();
        let signed_out = original.with_value(|o| {
            o.as_ref().is_some_and(|o| Some(o.role) != input.role || o.merchant_id != input.merchant_id || {
                let mut before = o.warehouse_ids.clone();
                before.sort_unstable();
                let mut after = input.warehouse_ids.clone();
                after.sort_unstable();
                after.dedup();
                before != after
            })
        });
        state.submit(check(), move |input: UserInput| save_user(id, input), move |_| {
            let email = email.get_untracked().trim().to_lowercase();
            let text = match (creating, signed_out) {
                (true, _) => format!("User {email} added. They can sign in now."),
                (false, true) => format!("User {email} saved. Their access changed, so they were signed out."),
                (false, false) => format!("User {email} saved."),
            };
            on_done.run(Flash::Ok(text));
        });
    });

    let merchant_options = refs.with_value(|r| r.merchants.iter().map(|m| (m.id, m.name.clone())).collect::<Vec<_>>());
    let all_warehouses = refs.with_value(|r| r.warehouses.clone());
    let title = if creating { "Add user" } else { "Edit user" };
    view! {
        <FormDialog title=title subtitle=user.as_ref().map(|u| u.email.clone()).unwrap_or_default()
            label=if creating { "Add user" } else { "Save" } state=state on_submit=submit on_close=on_close>
            <div class="fields two">
                <TextField id="user-email" label="Email" value=email errors=errors field=FIELD_EMAIL required=true kind="email"
                    placeholder="name@example.com" maxlength=254u32/>
                <TextField id="user-name" label="Name" value=name errors=errors field=FIELD_DISPLAY_NAME required=true
                    placeholder="First and last name" maxlength=100u32/>
            </div>
            <div class="field">
                <label for="user-role">"Role"<RequiredMark/></label>
                <select id="user-role" disabled=is_me on:change=move |ev| role.set(Role::from_code(&event_target_value(&ev)))>
                    <option value="" selected=move || role.get().is_none()>"Choose a role"</option>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.code() selected=move || role.get() == Some(r)>{r.label()}</option>
                    }).collect_view()}
                </select>
                {is_me.then(|| view! { <p class="hint">"You cannot change your own role."</p> })}
                <FieldError errors=errors field=FIELD_ROLE/>
            </div>
            <Show when=needs_merchant>
                <div class="field">
                    <label for="user-merchant">"Merchant"<RequiredMark/></label>
                    <select id="user-merchant" on:change=move |ev| merchant.set(parse_id(&event_target_value(&ev)))>
                        <option value="" selected=move || merchant.get().is_none()>"Choose a merchant"</option>
                        {id_options(merchant_options.clone(), move |id| merchant.get() == Some(id))}
                    </select>
                    <FieldError errors=errors field=FIELD_MERCHANT/>
                </div>
            </Show>
            <Show when=needs_warehouses>
                <WarehouseChecks legend="Warehouses" warehouses=all_warehouses.clone() selected=warehouses errors=errors
                    hint="The warehouses this person may work in; they pick one at the start of a shift."/>
            </Show>
            {creating.then(|| view! {
                <TextField id="user-password" label="First password" value=password errors=errors field=FIELD_NEW_PASSWORD required=true
                    kind="password" autocomplete="new-password" maxlength=128u32
                    hint=format!("At least {MIN_PASSWORD_CHARS} characters. Tell it to the person; they can change it on their account page.")/>
            })}
            // Errors of fields the form does not show (e.g. a merchant sent for a floor role by an old page).
            {move || (!needs_merchant()).then(|| view! { <FieldError errors=errors field=FIELD_MERCHANT/> })}
            {move || (!needs_warehouses()).then(|| view! { <FieldError errors=errors field=FIELD_WAREHOUSES/> })}
        </FormDialog>
    }
}

/// An admin sets a new password for someone else; they are signed out everywhere.
#[component]
fn ResetPasswordDialog(user: AdminUser, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let (id, email) = (user.id, user.email.clone());
    let address = StoredValue::new(email.clone());
    let check = move || {
        let new = password.get();
        let mut found = address.with_value(|email| validate_new_password(email, &new)).err().unwrap_or_default();
        if new != repeat.get() {
            found.add("repeat_password", "The two passwords differ");
        }
        if found.is_empty() {
            Ok(new)
        } else {
            Err(found)
        }
    };
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        let text = format!("Password of {email} reset. They were signed out everywhere.");
        state.submit(check(), move |new: String| reset_user_password(id, new), move |_| on_done.run(Flash::Ok(text)));
    });
    view! {
        <FormDialog title="Reset password" subtitle=user.email.clone() label="Reset password" state=state on_submit=submit on_close=on_close>
            <p class="muted">{format!("Sets a new password for {}. They are signed out on every device and sign in with the new one.", user.display_name)}</p>
            <TextField id="reset-password" label="New password" value=password errors=errors field=FIELD_NEW_PASSWORD required=true
                kind="password" autocomplete="new-password" maxlength=128u32 hint=format!("At least {MIN_PASSWORD_CHARS} characters.")/>
            <TextField id="reset-repeat" label="Repeat the new password" value=repeat errors=errors field="repeat_password" required=true
                kind="password" autocomplete="new-password" maxlength=128u32/>
        </FormDialog>
    }
}

#[component]
fn SetDisabledDialog(user: AdminUser, disable: bool, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = user.id;
    let name = user.display_name.clone();
    let confirm = Callback::new(move |_: ()| {
        busy.set(true);
        error.set(None);
        let text = if disable { format!("{name} is disabled and was signed out.") } else { format!("{name} can sign in again.") };
        leptos::task::spawn_local(async move {
            match set_user_disabled(id, disable).await {
                Ok(()) => on_done.run(Flash::Ok(text)),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(error_text(&e)));
                }
            }
        });
    });
    let (title, message, label) = if disable {
        ("Disable user", format!("Disable {}? They are signed out at once and cannot sign in until an admin enables them again.", user.display_name), "Disable")
    } else {
        ("Enable user", format!("Enable {}? They can sign in again with their password.", user.display_name), "Enable")
    };
    view! {
        <ConfirmDialog title=title subtitle=user.email message=message confirm_label=label busy=busy error=error on_confirm=confirm on_close=on_close/>
    }
}
