"""Shared test data: an implemented answer and the submit declarations."""

IMPL = {"status": "implemented", "description": "已建成并投用。", "systems": "MES（某软件公司）"}
DECLARED = {"no_major_accident": True, "not_dishonest": True, "truthful": True, "signer": "张三"}
