"""单位信息管理 (manual §1): 单位注册 and 单位查询 (registration), 编辑 — of a registration or of an approved
unit (change), 单位绑定 (binding), 开票信息管理 (invoice)."""
