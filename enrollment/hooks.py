"""What other apps do when something happens to an application, without enrollment importing them
(billing depends on enrollment, not the other way round)."""

from core.hooks import Hook

# application=…, actor=… at the final approval, after the fee of that day was frozen, in the engine's
# transaction: billing issues the 缴费通知单 (billing.services.payment_notice_issue).
application_approved = Hook("enrollment.application_approved")
