from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("v1/units", views.units, name="units"),
    path("v1/applications", views.applications, name="applications"),
    path("v1/applications/<id:pk>", views.application, name="application"),
    path("v1/applications/<id:pk>/roster", views.roster, name="roster"),
    path("v1/applications/<id:pk>/roster/imports/<id:job_pk>", views.roster_import, name="roster_import"),
    path("v1/claims", views.claims, name="claims"),
]
