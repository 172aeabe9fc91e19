"""理赔业务经办 (manual §3): the agent's 理赔申请 screens (claims.py) and finance's 保障金给付
(payouts.py)."""
