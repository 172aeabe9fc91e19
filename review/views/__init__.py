"""The review screens: 待审核业务 and the item (queue), the materials of any case (materials), and the
agent's 【上报】/【删除】 shared by every business (agent)."""
