"""【登记身故及继承人】 on the review item of an approved claim: the city reviewer records that the member
died before the payout, the heirs (the same rows and checks as on the claim form) and the three proofs;
the payout then goes to the heirs through 给付批次. A thin view over claims.services.claim_register_death."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.decorators import city_reviewer_required
from claims.forms import DeathRegisterForm, heir_formset, heir_specs
from claims.selectors import claim_get_for
from claims.services import claim_register_death
from core.errors import DomainError
from review.selectors import active_materials


@city_reviewer_required
def claim_register_death_view(request, pk):
    """GET: the form; POST: all or nothing, back to the review item with the heirs shown."""
    claim = claim_get_for(request.user, pk)
    posted = request.method == "POST"
    form = DeathRegisterForm(request.POST if posted else None, request.FILES if posted else None)
    heirs = heir_formset(request.POST if posted else None)
    if posted and form.is_valid() and (specs := heir_specs(heirs)) is not None:
        try:
            claim_register_death(actor=request.user, claim=claim, heirs=specs, proofs=form.proofs())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已登记会员身故及继承人：保障金将通过【给付批次】按份额给付各继承人")
            return redirect("review:case", pk=claim.case_id)
    elif posted and form.is_valid():
        form.add_error(None, "请按提示修改继承人信息")
    present = {material.slot for material in active_materials(claim.case)}
    context = {
        "claim": claim,
        "form": form,
        "heirs": heirs,
        "present": present,
        "page_title": "登记身故及继承人",
    }
    return render(request, "claims/death_register.html", context)
