"""理赔业务经办 (manual §3): the agent's 理赔申请 screens (claims)."""
