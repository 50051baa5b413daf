//! Server functions for Enter Coupon (Check, Apply) and Generate a coupon.

use super::{CodeOutcome, CouponsOverview, GeneratedCoupon};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{split_codes, store, CouponCode, CouponInfo, MAX_CODES},
    crate::licenses::store as licenses,
    crate::server::context::{authorize, Ctx},
    crate::server::db::Tx,
    crate::workgroups::Role,
};

#[cfg(feature = "ssr")]
const MALFORMED: &str = "Not a coupon code: a code has 20 letters and digits, in groups of five.";

/// Looks at each code: what it holds, or why it is refused. Refusals count
/// towards the workgroup's limit on failed checks.
#[cfg(feature = "ssr")]
async fn examine(tx: &mut Tx, ctx: &Ctx, input: &str) -> Result<Vec<(String, Option<CouponCode>, Result<CouponInfo, String>)>, AppError> {
    let typed = split_codes(input);
    if typed.is_empty() {
        return Err(AppError::validation("codes", "Enter one or more coupon codes, separated by spaces."));
    }
    if typed.len() > MAX_CODES {
        return Err(AppError::validation("codes", format!("Enter at most {MAX_CODES} codes at a time.")));
    }
    if store::is_throttled(tx, ctx.workgroup_id).await? {
        return Err(AppError::TooManyRequests(format!(
            "Too many codes were refused. Wait {} minutes, then try again.",
            store::FAILURE_WINDOW_MINUTES
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = vec![];
    for t in typed {
        let code = CouponCode::parse(&t);
        let result = match &code {
            None => Err(MALFORMED.to_string()),
            Some(c) if !seen.insert(c.clone()) => Err("Entered twice.".to_string()),
            Some(c) => match store::by_code(tx, c).await? {
                None => Err("Unknown code. Check it with whoever gave it to you.".to_string()),
                Some(f) if f.redeemed => Err("Already redeemed.".to_string()),
                Some(f) if f.expired => Err(format!("Expired on {}.", crate::ui::day(f.expires_at))),
                Some(f) => Ok(CouponInfo { type_name: f.type_name, count: f.count, expires_at: f.expires_at }),
            },
        };
        out.push((t, code, result));
    }
    let refused = out.iter().filter(|(_, _, r)| r.is_err()).count();
    store::record_failures(tx, ctx.workgroup_id, refused).await?;
    Ok(out)
}

/// Check: shows what each valid code holds and why each other one is refused.
#[server]
pub async fn check_coupons(codes: String) -> Result<Vec<CodeOutcome>, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let mut tx = ctx.begin(&state).await?;
    let examined = examine(&mut tx, &ctx, &codes).await?;
    tx.commit().await?;
    Ok(examined.into_iter().map(|(code, _, result)| CodeOutcome { code, result }).collect())
}

/// Apply: redeems every valid code into the current workgroup as new packs.
#[server]
pub async fn apply_coupons(codes: String) -> Result<Vec<CodeOutcome>, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let mut tx = ctx.begin(&state).await?;
    let examined = examine(&mut tx, &ctx, &codes).await?;
    let mut outcomes = vec![];
    for (typed, code, result) in examined {
        let result = match (code, result) {
            (Some(code), Ok(_)) => match store::redeem(&mut tx, &code, ctx.workgroup_id).await? {
                Some(found) => {
                    let pack = licenses::acquire(
                        &mut tx,
                        ctx.workgroup_id,
                        &found.license_type,
                        "coupon",
                        found.count,
                        Some(found.expires_at),
                        Some(found.id),
                        Some(ctx.agent_id),
                    )
                    .await?;
                    store::set_redeemed_pack(&mut tx, &code, pack).await?;
                    crate::feed::store::coupon_redeemed(&mut tx, ctx.workgroup_id, ctx.agent_id, pack).await?;
                    Ok(CouponInfo { type_name: found.type_name, count: found.count, expires_at: found.expires_at })
                }
                None => Err("Already redeemed.".to_string()),
            },
            (_, r) => r,
        };
        outcomes.push(CodeOutcome { code: typed, result });
    }
    tx.commit().await?;
    Ok(outcomes)
}

#[server]
pub async fn list_coupons() -> Result<CouponsOverview, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let mut tx = ctx.begin(&state).await?;
    let generated = store::generated(&mut tx, ctx.workgroup_id).await?;
    let packs = store::pack_choices(&mut tx, ctx.workgroup_id).await?;
    tx.commit().await?;
    Ok(CouponsOverview { generated, packs })
}

/// Moves `count` unused licenses of a pack into a new coupon, which expires
/// with the pack. The licenses leave the pack in the same transaction.
#[server]
pub async fn generate_coupon(label: String, pack_id: String, count: String, email: String) -> Result<GeneratedCoupon, AppError> {
    let (state, ctx) = authorize().await?;
    ctx.require(Role::Manager)?;
    let bad_label = "Give the coupon a label of 1 to 100 characters.";
    let label = crate::text::one_line("label", &label, 100, bad_label, bad_label)?;
    let pack_id: uuid::Uuid = pack_id.trim().parse().map_err(|_| AppError::validation("pack_id", "Choose a license pack."))?;
    let count: i32 = match count.trim().parse() {
        Ok(n) if n > 0 => n,
        _ => return Err(AppError::validation("count", "Enter a whole number of licenses, 1 or more.")),
    };
    let email = match email.trim() {
        "" => None,
        e => Some(crate::auth::parse_email(e)?),
    };
    let mut tx = ctx.begin(&state).await?;
    let pack = licenses::lock(&mut tx, ctx.workgroup_id, pack_id).await?.ok_or(AppError::NotFound)?;
    if pack.expired {
        return Err(AppError::validation("pack_id", "This pack has expired."));
    }
    if count > pack.available {
        return Err(AppError::validation("count", format!("This pack has only {} licenses available.", pack.available)));
    }
    let code = CouponCode::generate();
    let new = store::NewCoupon {
        code: &code,
        label: &label,
        license_type: &pack.license_type,
        count,
        expires_at: pack.expires_at,
        source_workgroup_id: Some(ctx.workgroup_id),
        source_pack_id: Some(pack.id),
        notify_email: email.as_deref(),
        created_by: Some(ctx.agent_id),
    };
    let id = store::insert(&mut tx, new).await?;
    let reference = format!("coupon {id}");
    licenses::record(&mut tx, ctx.workgroup_id, pack.id, licenses::Change::moved_to_coupon(count), Some(ctx.agent_id), Some(&reference))
        .await?;
    crate::feed::store::coupon_generated(&mut tx, ctx.workgroup_id, ctx.agent_id, id).await?;
    let type_name = licenses::types(&mut tx).await?.into_iter().find(|t| t.code == pack.license_type).map(|t| t.name).unwrap_or_default();
    if let Some(to) = &email {
        let body = format!(
            "A coupon for {count} {type_name} licenses was generated for you.\n\nCode: {}\nExpires: {}\n\nRedeem it in Tandem under Settings → Enter Coupon.\n",
            code.as_str(),
            crate::ui::day(pack.expires_at)
        );
        crate::server::mail::enqueue(&mut tx, ctx.workgroup_id, crate::server::mail::Mail { to, subject: &format!("Tandem coupon: {label}"), body: &body })
            .await?;
    }
    tx.commit().await?;
    Ok(GeneratedCoupon {
        id,
        label,
        type_name,
        count,
        code: code.as_str().to_string(),
        expires_at: pack.expires_at,
        created_at: state.clock.now(),
        redeemed: false,
    })
}
