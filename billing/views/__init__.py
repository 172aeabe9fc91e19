"""缴费与收款 (finance): 缴费通知单 (notices.py) and 收款确认 (receipts.py). 保障金给付 is claims'
(claims/views/payouts.py), served under billing's URLs."""
