"""Who is a super-admin: a superuser, or a member of the ``super_admin`` group.

The same rule guards the super-admin API (``IsSuperAdmin``), the admin pages of the service's own
models (``SuperAdminModelAdminMixin``) and the usage dashboard, so that putting an operator into the
group is all it takes to let them run the service without the shell.
"""

from typing import Any

from django.http import HttpRequest
from rest_framework.permissions import BasePermission

SUPER_ADMIN_GROUP = "super_admin"


def is_super_admin(user: Any) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Remembered on the user object (one per request): the admin asks many times per page.
    if not hasattr(user, "_is_super_admin"):
        user._is_super_admin = user.groups.filter(name=SUPER_ADMIN_GROUP).exists()
    return user._is_super_admin


class IsSuperAdmin(BasePermission):
    """Anonymous → 401 (DRF raises NotAuthenticated for them), anyone else who is not one → 403."""

    message = "Only super-admins may use this endpoint."

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_super_admin(request.user)


class SuperAdminModelAdminMixin:
    """Gives staff members of the ``super_admin`` group full access to a ModelAdmin.

    Superusers already have every permission; other staff keep Django's per-model permissions.
    """

    def _super_admin_or(self, request: HttpRequest, allowed: bool) -> bool:
        return allowed or (request.user.is_staff and is_super_admin(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._super_admin_or(request, super().has_module_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._super_admin_or(request, super().has_view_permission(request, obj))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._super_admin_or(request, super().has_add_permission(request, *args))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._super_admin_or(request, super().has_change_permission(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._super_admin_or(request, super().has_delete_permission(request, obj))
