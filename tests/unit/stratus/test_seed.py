"""`stratus seed marketplace`: the demo products are valid product bodies, the same for the same seed."""

from __future__ import annotations

from apps.marketplace.models import ProductIn
from stratus import seed


def test_the_demo_products_are_valid_and_repeatable() -> None:
    # GIVEN a seed, WHEN the products are drawn twice, THEN they are the same, and each is a valid body
    first, again = seed.products(200, seed=3), seed.products(200, seed=3)
    assert first == again
    assert seed.products(200, seed=4) != first
    for body, stock in first:
        ProductIn.model_validate(body)
        assert 0 <= stock < 200
    assert len({body["name"] for body, _ in first}) == 200  # names are unique (numbered)
    assert {body["category"] for body, _ in first} <= set(seed.CATEGORIES)


def test_the_command_is_registered() -> None:
    from stratus.cli import _parser

    args = _parser().parse_args(["seed", "marketplace", "--tenant", "shop", "--products", "10"])
    assert (args.tenant, args.products, args.run) == ("shop", 10, seed.run)
