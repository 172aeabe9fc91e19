"""The OpenAPI 3 description of the JSON API (served at /api/openapi.json)."""

_error = {"$ref": "#/components/schemas/Error"}
_json = "application/json"


def _ok(schema, description="成功"):
    return {"description": description, "content": {_json: {"schema": schema}}}


_errors = {
    "401": {"description": "缺少或无效的接口令牌", "content": {_json: {"schema": _error}}},
    "404": {"description": "不存在或无权访问", "content": {_json: {"schema": _error}}},
}
_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI = {
    "openapi": "3.0.3",
    "info": {
        "title": "职工互助保障信息化管理系统 接口",
        "version": "1.0",
        "description": (
            "供大型单位的人事系统使用：以代办员身份读取单位、参保申请、名单和保障金申请，并提交参保职工名单。"
            "认证：在“个人中心—接口令牌”生成令牌，请求头 Authorization: Bearer <令牌>。"
            "金额为字符串（元，两位小数）。"
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    }
                },
            },
            "Claim": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "number": {"type": "string", "description": "申请编号（LP + 8位数字）"},
                    "unit_id": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["illness", "accident", "medical"]},
                    "member_name": {"type": "string"},
                    "member_id_number": {"type": "string", "description": "身份证号（已脱敏）"},
                    "plan": {"type": "string"},
                    "event_date": {
                        "type": "string",
                        "format": "date",
                        "description": "诊断/出险日期；住院医疗为入院日期",
                    },
                    "discharge_date": {
                        "type": "string",
                        "format": "date",
                        "nullable": True,
                        "description": "出院日期（住院医疗）",
                    },
                    "disease": {"type": "string", "nullable": True},
                    "status": {"type": "string"},
                    "status_label": {"type": "string"},
                    "suggested_amount": {"type": "string"},
                    "approved_amount": {"type": "string", "nullable": True},
                },
            },
            "Unit": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "credit_code": {"type": "string"},
                    "parent_org": {"type": "string"},
                    "status": {"type": "string"},
                    "status_label": {"type": "string"},
                    "approved": {"type": "boolean"},
                },
            },
            "Application": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "unit_id": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["main", "renewal", "supplement"]},
                    "period_start": {"type": "string", "format": "date"},
                    "period_end": {"type": "string", "format": "date"},
                    "status": {"type": "string"},
                    "status_label": {"type": "string"},
                    "roster_count": {"type": "integer"},
                    "total_amount": {"type": "string"},
                    "plans": {"type": "array", "items": {"type": "object"}},
                },
            },
            "RosterImport": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "status": {
                        "type": "string",
                        "enum": ["pending", "running", "succeeded", "rejected", "failed"],
                    },
                    "total_rows": {"type": "integer"},
                    "processed_rows": {"type": "integer"},
                    "imported_rows": {"type": "integer"},
                    "over60_count": {"type": "integer"},
                    "message": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "row": {"type": "integer"},
                                "column": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
    "paths": {
        "/units": {
            "get": {
                "summary": "我的单位",
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}}
                            },
                        }
                    ),
                    **_errors,
                },
            }
        },
        "/applications": {
            "get": {
                "summary": "参保申请列表",
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Application"},
                                }
                            },
                        }
                    ),
                    **_errors,
                },
            }
        },
        "/applications/{id}": {
            "get": {
                "summary": "参保申请详情",
                "parameters": [_id],
                "responses": {"200": _ok({"$ref": "#/components/schemas/Application"}), **_errors},
            }
        },
        "/applications/{id}/roster": {
            "get": {
                "summary": "参保职工名单（每页500人）",
                "parameters": [_id, {"name": "page", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": _ok({"type": "object"}), **_errors},
            },
            "post": {
                "summary": "提交参保职工名单（xlsx，替换现有名单）",
                "description": (
                    "multipart 字段 file，或请求体直接为 xlsx。超过2000行在后台导入，返回 202，"
                    "用导入状态接口查询进度。"
                ),
                "parameters": [
                    _id,
                    {"name": "only_valid_rows", "in": "query", "schema": {"type": "boolean"}},
                ],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        },
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                    }
                },
                "responses": {
                    "201": _ok({"$ref": "#/components/schemas/RosterImport"}, "导入成功"),
                    "202": _ok(
                        {"$ref": "#/components/schemas/RosterImport"}, "已受理（后台导入中，或有错误未导入）"
                    ),
                    "400": {"description": "文件或状态不允许导入", "content": {_json: {"schema": _error}}},
                    **_errors,
                },
            },
        },
        "/applications/{id}/roster/imports/{import_id}": {
            "get": {
                "summary": "名单导入状态",
                "parameters": [
                    _id,
                    {"name": "import_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "responses": {"200": _ok({"$ref": "#/components/schemas/RosterImport"}), **_errors},
            }
        },
        "/claims": {
            "get": {
                "summary": "保障金申请列表（最新的在前）",
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Claim"}}
                            },
                        }
                    ),
                    **_errors,
                },
            }
        },
    },
}
