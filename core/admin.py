# The audit trail has no admin page: it is read on the 操作日志 screen (audit app) and edited by nobody.
